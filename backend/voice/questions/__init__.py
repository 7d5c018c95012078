"""Questions to MPs: young people ask, editors moderate, MPs answer, young people of the seat support."""
