"""What leaves Carnet and comes back: FHIR bundles, the International Patient Summary, paper.

Above the record's sections, the sharing rules and the access history, which it reads; below
the root, which serves it.
"""
