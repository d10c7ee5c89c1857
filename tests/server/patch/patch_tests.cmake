# SPDX-License-Identifier: GPL-3.0-or-later
# lamp_patch_tests: unit tests of the patch engine and the table-driven fixture cases, which
# also run GNU patch and git apply on every diff produced. Included by server/patch; the
# function runs deferred at the end of the top-level directory (see there).
function(lamp_patch_add_tests)
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  find_package(GTest REQUIRED)
  include(GoogleTest)
  add_executable(lamp_patch_tests
    ${dir}/support/real_tools.cpp
    ${dir}/positions_test.cpp
    ${dir}/request_test.cpp
    ${dir}/prompt_test.cpp
    ${dir}/elision_test.cpp
    ${dir}/hunk_locator_test.cpp
    ${dir}/reply_parser_test.cpp
    ${dir}/apply_edits_test.cpp
    ${dir}/region_replacement_test.cpp
    ${dir}/unified_diff_test.cpp
    ${dir}/patch_engine_test.cpp
    ${dir}/fixture_cases_test.cpp)
  set_target_properties(lamp_patch_tests PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/server/patch)
  target_include_directories(lamp_patch_tests PRIVATE ${dir} ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(lamp_patch_tests PRIVATE lamp_patch GTest::gtest_main)
  target_compile_definitions(lamp_patch_tests PRIVATE LAMP_PATCH_FIXTURES="${PROJECT_SOURCE_DIR}/tests/fixtures/patch")
  gtest_discover_tests(lamp_patch_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 60)
endfunction()
