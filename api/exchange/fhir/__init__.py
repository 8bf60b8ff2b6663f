"""The record as FHIR R4B resources, both ways (docs/fhir.md is the contract)."""
