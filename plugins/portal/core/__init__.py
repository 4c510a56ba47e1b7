"""The domain core: publication rules, dates, validation. No MkDocs, no file system."""
