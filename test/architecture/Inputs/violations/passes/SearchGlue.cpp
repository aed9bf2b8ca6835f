// Search glue that belongs in lib/Tuning.
int sharedHelper() { return 1; }
