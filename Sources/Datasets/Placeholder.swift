// Placeholder until this module has content.
