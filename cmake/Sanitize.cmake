# Sanitizers and fuzzing (docs/testing.md).
#   -DDLASIM_SANITIZE=ON  everything (library, CLI, tests, tools) with AddressSanitizer and
#                         UndefinedBehaviorSanitizer; any report aborts, so a test with one fails.
#   -DDLASIM_SANITIZE=thread  everything with ThreadSanitizer (data races; the tests running
#                         execution contexts on several threads). It cannot be combined with
#                         AddressSanitizer, so it is a build of its own (build-tsan; docs/testing.md
#                         says how to run it and why OMP_NUM_THREADS=1).
#   -DDLASIM_FUZZ=ON      (clang only) the same sanitizers plus libFuzzer's coverage on
#                         everything, and the libFuzzer binaries of tests/fuzz.
string(TOLOWER "${DLASIM_SANITIZE}" _dlasim_sanitize)
if(_dlasim_sanitize STREQUAL "thread")
  if(DLASIM_FUZZ)
    message(FATAL_ERROR "DLASIM_SANITIZE=thread and DLASIM_FUZZ exclude each other")
  endif()
  set(DLASIM_SANITIZERS thread)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=thread)
elseif(DLASIM_SANITIZE OR DLASIM_FUZZ)
  # float-cast-overflow is not part of GCC's "undefined" group: name it (float -> int of an
  # out-of-range value is undefined behaviour, and attributes and scales come from files).
  set(DLASIM_SANITIZERS address,undefined,float-cast-overflow)
  add_compile_options(-fsanitize=${DLASIM_SANITIZERS} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${DLASIM_SANITIZERS})
endif()
if(DLASIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DLASIM_FUZZ needs clang's libFuzzer: configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14 (scripts/fuzz.sh does; "
                        "DLASIM_SETUP_FUZZ=1 scripts/setup.sh installs it)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
