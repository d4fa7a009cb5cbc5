"""`juhe demo`: a small realistic world and a few dozen signed orders through a running Juhe."""
