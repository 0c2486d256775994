// The CloudWatch metric alarm lives in core (deployment alarms use it too); scaling's name for it.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ecsim/core/metric_alarm.hpp"

namespace ecsim::scaling {
using ecsim::metric_value;
using ecsim::MetricAlarm;
}  // namespace ecsim::scaling
