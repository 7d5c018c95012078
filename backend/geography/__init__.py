"""Geography: provinces and territories, districts and constituencies (versioned reference data)."""
