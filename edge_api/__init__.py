"""The thin HTTP edge: authenticate, validate, publish with confirms, answer; reads go to the store."""
