// Function multi-versioning for the vectorised loops: an AVX2 clone and a portable one, picked
// by an ifunc resolver when the library is loaded.
#pragma once

// ThreadSanitizer instruments the compiler-made resolvers, which the dynamic loader calls while
// relocating the library, before TSan's runtime is initialised: the program crashes before
// main. A TSan build (-DDLASIM_SANITIZE=thread) therefore keeps only the portable version.
#if defined(__SANITIZE_THREAD__)
#define DLASIM_TARGET_CLONES
#else
#define DLASIM_TARGET_CLONES __attribute__((target_clones("avx2", "default")))
#endif
