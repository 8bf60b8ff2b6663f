"""The agenda: the French vaccination calendar and the compulsory child check-ups, worked
out from the birth date and the vaccinations recorded (compute.py); a field of the Patient
type guarded by the vaccinations section (types.py)."""
