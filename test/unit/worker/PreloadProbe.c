/* A library for pike-runner's --preload test (RunnerProcessTest.cpp): its
   static constructor marks that it ran inside the runner's address space. */
int pike_preload_probe_loaded = 0;
__attribute__((constructor)) static void pike_preload_probe_init(void) { pike_preload_probe_loaded = 1; }
