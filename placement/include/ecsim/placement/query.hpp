// The ECS cluster query language, as used by memberOf placement constraints:
//   attribute:ecs.instance-type =~ m5.*
//   attribute:ecs.availability-zone in [us-east-1a, us-east-1b] and not(attribute:stack == prod)
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecsim::placement {

/// A syntax error, with the 0-based character offset where it was found.
class QueryError : public std::runtime_error {
 public:
  QueryError(const std::string& message, std::size_t offset) : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

/// Looks up a subject (`attribute:NAME`, `ec2InstanceId`, ...) on one container instance;
/// nullopt when the instance does not have it.
using SubjectLookup = std::function<std::optional<std::string_view>(std::string_view subject)>;

/// A parsed expression. Supported: subjects `attribute:NAME` and `ec2InstanceId`; operators
/// `==`/`equals`, `!=`/`not_equals`, `=~`/`matches`, `!~`/`not_matches` (pattern with `*`
/// wildcards, as in the ECS examples), `in`/`not_in` with `[a, b]` or `(a, b)`, `exists`,
/// and `>`, `>=`, `<`, `<=` (numeric when both sides are numbers, else lexicographic);
/// `and`/`&&`, `or`/`||`, `not`/`!`, parentheses.
class Query {
 public:
  /// Throws QueryError on a syntax error or an unsupported subject (`task:group` needs
  /// task-level evaluation and is not modelled).
  static Query parse(std::string_view text);
  bool matches(const SubjectLookup& lookup) const;
  /// The subjects the expression reads (for callers that cache results per instance).
  const std::vector<std::string>& subjects() const { return subjects_; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::vector<std::string> subjects_;
};

/// `*` matches any run of characters; every other character matches itself.
bool wildcard_match(std::string_view pattern, std::string_view text);

}  // namespace ecsim::placement
