"""The MP's brief of a constituency: the page (page.py), its charts, labels and style, and its PDF."""
