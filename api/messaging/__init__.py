"""Secure messaging between a professional and a patient (PRODUCT.md, "Secure messaging").

A professional with a relation to the patient starts a conversation; the patient (or a
parent of a minor) answers, with attachments checked like documents; the professional can
close it. Who may do what is decided by ``api.consent.policy``; this domain stores and
serves the conversations, counts unread messages and tells the patient.
"""
