# CMake generated Testfile for 
# Source directory: /work/main/tests
# Build directory: /work/main/build-helper/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build-helper/tests/dlasim_tests[1]_include.cmake")
add_test(zoo_vs_onnxruntime "/usr/bin/python3" "/work/main/tests/zoo/compare.py" "--dlasim" "/work/main/build-helper/dlasim" "--zoo" "/work/main/build-helper/zoo" "--ort-dir" "/work/main/tools/ort" "all")
set_tests_properties(zoo_vs_onnxruntime PROPERTIES  TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;28;add_test;/work/main/tests/CMakeLists.txt;0;")
