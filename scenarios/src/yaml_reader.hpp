// Private: typed reading of yaml-cpp nodes with located, collected diagnostics.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <deque>
#include <string_view>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::scenarios::detail {

/// Collects diagnostics for one load.
class Ctx {
 public:
  explicit Ctx(std::string file) : file_(std::move(file)) {}
  /// Reports a problem at a node (its 1-based position) under a YAML path.
  void error(const YAML::Node& at, const std::string& path, const std::string& message);
  void error_at(const YAML::Mark& mark, const std::string& path, const std::string& message);
  /// Reports a problem with a --set expression itself.
  void error_in_override(const std::string& expression, const std::string& path, const std::string& message);
  /// Remembers that a --set expression produced the node at `path`.
  void add_override(std::string canonical_path, std::string expression);
  void note_ignored_aws_field(const std::string& object, const std::string& field);
  /// A notice for summary.json (once per distinct text).
  void note(const std::string& path, const std::string& message);
  std::vector<std::string> notices() const;
  const std::vector<Diagnostic>& errors() const { return errors_; }
  bool ok() const { return errors_.empty(); }
  const std::string& file() const { return file_; }
  /// A note() or note_ignored_aws_field() call, as a tap records it.
  struct Call {
    bool ignored_field = false;  ///< note_ignored_aws_field(a, b); otherwise note(a, b)
    std::string a, b;
  };
  /// While set, every note() and note_ignored_aws_field() call is also appended here.
  void set_tap(std::vector<Call>* tap) { tap_ = tap; }
  /// Makes the recorded calls again, in order.
  void replay(const std::vector<Call>& calls);

 private:
  std::vector<Call>* tap_ = nullptr;
  std::string file_;
  std::vector<Diagnostic> errors_;
  std::vector<std::pair<std::string, std::string>> overrides_;
  std::map<std::string, std::set<std::string>> ignored_;  // object kind -> fields
  std::vector<std::string> notes_;
};

/// "a, b, c"
std::string join(const std::vector<std::string>& items, const char* sep = ", ");
/// join(), or "none with a name" for an empty list (a message never ends in an empty list).
std::string join_or_none(const std::vector<std::string>& items);
/// A known key within edit distance 2 of `key`, if any.
std::optional<std::string> closest(const std::string& key, const std::vector<std::string>& known);

/// Parses "250ms", "30s", "5m", "2h", "7d" (decimals allowed). Error text on failure.
std::optional<SimDuration> parse_duration(const std::string& text, std::string* error);

/// Reads one YAML mapping. Each accessor marks its key as known. For an AWS shape (a name in
/// the AWS field table, aws_fields.hpp) the table decides what finish() does with a key the
/// loader did not read: an inert field is noted, a refused one is an error saying what to do,
/// an unknown one an error with the valid choices. Reading a field the table does not list,
/// or leaving a modelled one unread, is a loader defect (std::logic_error).
class Fields {
 public:
  Fields(Ctx& ctx, const YAML::Node& node, std::string path, std::string shape = "");
  ~Fields();
  Fields(const Fields&) = delete;
  Fields& operator=(const Fields&) = delete;

  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  std::string sub(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  /// The node under `key` (undefined if absent); marks the key known.
  YAML::Node get(const std::string& key, bool required = false);
  bool has(const std::string& key) const;
  /// The key is absent but its CloudFormation spelling (PascalCase) is present.
  bool has_pascal(const std::string& key) const;

  std::optional<std::string> str(const std::string& key, bool required = false);
  std::optional<std::int64_t> integer(const std::string& key, std::int64_t min, std::int64_t max, bool required = false);
  std::optional<double> number(const std::string& key, double min, double max, bool required = false);
  std::optional<bool> boolean(const std::string& key, bool required = false);
  std::optional<SimDuration> duration(const std::string& key, bool required = false,
                                      SimDuration min = SimDuration{0});
  std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& choices,
                                    bool required = false);
  /// Reports unknown keys. Called by the destructor if not called before.
  void finish();

 private:
  /// The value of `key`: the first entry spelled so (undefined node when absent).
  const YAML::Node* find(const std::string& key) const;

  Ctx& ctx_;
  YAML::Node node_;
  std::string path_;
  std::string shape_;
  // The mapping's entries, read once: yaml-cpp looks a key up by converting every key of the
  // mapping to a new string, which made lookups most of a sweep point's load.
  struct Entry {
    YAML::Node key, value;
    const std::string* name = nullptr;  // the key's text (null: not a scalar); lives in the tree
  };
  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, std::string>> pascal_;  // CloudFormation spellings seen (key, API name)
  YAML::Mark pascal_mark_;
  std::vector<std::string_view> known_;  // keys read: the AWS table's spellings, or owned_keys_
  std::deque<std::string> owned_keys_;    // keys read of a mapping without a shape
  bool valid_ = true;
  bool finished_ = false;
};

/// Typed scalar readers usable on any node (list items, etc.).
std::optional<std::string> scalar_string(Ctx& ctx, const YAML::Node& n, const std::string& path);
std::optional<std::int64_t> scalar_integer(Ctx& ctx, const YAML::Node& n, const std::string& path,
                                           std::int64_t min, std::int64_t max);
std::optional<double> scalar_number(Ctx& ctx, const YAML::Node& n, const std::string& path, double min, double max);
std::optional<SimDuration> scalar_duration(Ctx& ctx, const YAML::Node& n, const std::string& path,
                                           SimDuration min = SimDuration{0});
/// Checks that n is a sequence (reports otherwise). Undefined/null counts as empty.
bool expect_sequence(Ctx& ctx, const YAML::Node& n, const std::string& path);
/// Reports duplicate keys in every mapping under n.
void check_duplicate_keys(Ctx& ctx, const YAML::Node& n, const std::string& path);
/// Applies YAML merge keys (`<<: *base`, keys given beside it win) and reports YAML tags
/// (CloudFormation's !Ref, !Sub, ...), which are not evaluated, in one error.
void expand_merge_keys_and_tags(Ctx& ctx, YAML::Node root);

}  // namespace ecsim::scenarios::detail
