"""Second factor (TOTP + recovery codes, django-otp) for the roles that export data and pay (issue 13).

DOMAIN.md §2 (roles) and §8 (data and privacy): platform and SAS administrators, CPAM and ARS
agents read personal data and payment facts; a password alone is not enough for them.
"""
