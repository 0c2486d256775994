// The classification of every field of every AWS shape a scenario may hold: modelled,
// refused (with what to do instead), inert (accepted with a notice: IAM, logging, tags, ARNs
// and describe-* state without behaviour), or an ecsim extension. The loader reads shapes
// through this table, `ecsim fields` prints it, MODEL.md carries it, and the suite checks it
// against AWS's own API models (botocore's service models for ecs, autoscaling and
// application-autoscaling), so that no field is unclassified and no current field unknown.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ecsim::scenarios {

enum class FieldClass {
  kModelled,   ///< changes the simulation as it changes AWS's behaviour
  kRefused,    ///< changes AWS's behaviour, not modelled: a validation error saying what to do
  kInert,      ///< no effect on scheduling, capacity, timing or cost: accepted with a notice
  kExtension,  ///< ecsim's own field inside an AWS shape (workload, composition)
};
const char* field_class_name(FieldClass c);

/// One AWS shape as a scenario holds it: where it is written, and the API shapes whose
/// members it accepts (a request and the matching describe-* output, so that both paste).
struct AwsShape {
  std::string_view name;     ///< the table's key, e.g. "CreateService"
  std::string_view service;  ///< botocore service: "ecs", "autoscaling", "application-autoscaling"
  std::vector<std::string_view> api_shapes;  ///< botocore shape names, e.g. {"CreateServiceRequest", "Service"}
  std::string_view where;    ///< the scenario path, e.g. "services[]"
};

struct AwsField {
  std::string_view shape;
  std::string_view field;
  FieldClass cls;
  std::string_view note;  ///< refused: what to do instead; inert: why; modelled: limits
};

const std::vector<AwsShape>& aws_shapes();
const std::vector<AwsField>& aws_fields();
/// The entry for `field` of `shape`, or null.
const AwsField* find_aws_field(std::string_view shape, std::string_view field);
const AwsShape* find_aws_shape(std::string_view shape);

/// The table as Markdown (MODEL.md's "AWS fields" section) and as JSON (`ecsim fields`).
std::string aws_fields_markdown();
std::string aws_fields_json();

}  // namespace ecsim::scenarios
