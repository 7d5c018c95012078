"""The staff console: server-rendered pages under /console for editors, supervisors, officers, admins, MPs."""
