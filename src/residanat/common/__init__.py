"""What every app shares and no domain owns: form fields, feedback after an action, uploads.

A plain package below every Django app: it imports Django, never another residanat app.
"""
