# Runs `ecsim validate SCENARIO [EXTRA...]` and checks its exit code and stderr.
execute_process(COMMAND ${ECSIM} validate ${SCENARIO} ${EXTRA} RESULT_VARIABLE code ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT code EQUAL EXPECT_CODE)
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECT_CODE}\nstderr:\n${err}")
endif()
string(FIND "${err}" "${EXPECT_TEXT}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "stderr lacks '${EXPECT_TEXT}':\n${err}")
endif()
