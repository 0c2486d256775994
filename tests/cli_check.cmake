# Runs `ecsim COMMAND SCENARIO [EXTRA...]` (COMMAND defaults to validate) and checks its exit
# code and stderr.
if(NOT COMMAND)
  set(COMMAND validate)
endif()
execute_process(COMMAND ${ECSIM} ${COMMAND} ${SCENARIO} ${EXTRA} RESULT_VARIABLE code ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT code EQUAL EXPECT_CODE)
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECT_CODE}\nstderr:\n${err}")
endif()
string(FIND "${err}" "${EXPECT_TEXT}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "stderr lacks '${EXPECT_TEXT}':\n${err}")
endif()
