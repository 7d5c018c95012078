"""Event feedback: young people rate the events they attended; staff read it, MPs only in aggregate."""
