//! golive's Markdown checklist importer, item-to-check mapping and sign-offs.
