// Typed reading of yaml-cpp nodes with located, collected diagnostics.
// SPDX-License-Identifier: Apache-2.0
#include "yaml_reader.hpp"

#include <exception>
#include <stdexcept>

#include "ecsim/scenarios/aws_fields.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>
#include <charconv>
#include <cmath>
#include <limits>

namespace ecsim::scenarios::detail {

namespace {

bool starts_with_path(const std::string& path, const std::string& prefix) {
  if (path.size() < prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsSequence()) return "a list";
  return "a mapping";
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

void Ctx::error(const YAML::Node& at, const std::string& path, const std::string& message) {
  error_at(at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(), path, message);
}

void Ctx::error_at(const YAML::Mark& mark, const std::string& path, const std::string& message) {
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    if (starts_with_path(path, it->first)) {
      errors_.push_back(Diagnostic{"--set " + it->second, 0, 0, path, message});
      return;
    }
  }
  // yaml-cpp marks are 0-based; messages are 1-based.
  const int line = mark.is_null() ? 0 : mark.line + 1;
  const int col = mark.is_null() ? 0 : mark.column + 1;
  errors_.push_back(Diagnostic{file_, line, col, path, message});
}

void Ctx::error_in_override(const std::string& expression, const std::string& path, const std::string& message) {
  errors_.push_back(Diagnostic{"--set " + expression, 0, 0, path, message});
}

void Ctx::add_override(std::string canonical_path, std::string expression) {
  overrides_.emplace_back(std::move(canonical_path), std::move(expression));
}

void Ctx::note_ignored_aws_field(const std::string& object, const std::string& field) {
  if (tap_) tap_->push_back(Call{true, object, field});
  ignored_[object].insert(field);
}

void Ctx::replay(const std::vector<Call>& calls) {
  for (const auto& c : calls) c.ignored_field ? note_ignored_aws_field(c.a, c.b) : note(c.a, c.b);
}

void Ctx::note(const std::string& path, const std::string& message) {
  if (tap_) tap_->push_back(Call{false, path, message});
  const std::string text = path + ": " + message;
  if (std::find(notes_.begin(), notes_.end(), text) == notes_.end()) notes_.push_back(text);
}

std::vector<std::string> Ctx::notices() const {
  if (ignored_.empty()) return notes_;
  std::string s = "AWS fields accepted that change nothing ecsim simulates (IAM, logging, tags, identifiers, describe-* state; `ecsim fields` gives the reason for each):";
  bool first = true;
  for (const auto& [object, fields] : ignored_) {
    s += first ? " " : "; ";
    first = false;
    s += object + " {" + join(std::vector<std::string>(fields.begin(), fields.end())) + "}";
  }
  std::vector<std::string> out = notes_;
  out.push_back(s);
  return out;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::string join_or_none(const std::vector<std::string>& items) { return items.empty() ? "none with a name" : join(items); }

std::optional<std::string> closest(const std::string& key, const std::vector<std::string>& known) {
  std::optional<std::string> best;
  std::size_t best_d = 3;
  for (const auto& k : known) {
    const std::size_t d = edit_distance(key, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  return best;
}

std::optional<SimDuration> parse_duration(const std::string& text, std::string* error) {
  const std::string units_help = "a duration needs a unit: ms, s, m, h or d (for example \"30s\", \"5m\", \"7d\")";
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  const std::string num = text.substr(0, i);
  const std::string unit = text.substr(i);
  if (num.empty()) {
    *error = "'" + text + "' is not a duration; " + units_help;
    return std::nullopt;
  }
  double value = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
  if (ec != std::errc{} || p != num.data() + num.size()) {
    *error = "'" + text + "' is not a duration; " + units_help;
    return std::nullopt;
  }
  double ms_per_unit;
  if (unit == "ms") ms_per_unit = 1;
  else if (unit == "s") ms_per_unit = 1000;
  else if (unit == "m" || unit == "min") ms_per_unit = 60'000;
  else if (unit == "h") ms_per_unit = 3'600'000;
  else if (unit == "d") ms_per_unit = 86'400'000;
  else {
    *error = unit.empty() ? "'" + text + "' has no unit; " + units_help
                          : "'" + text + "' has an unknown unit '" + unit + "'; " + units_help;
    return std::nullopt;
  }
  const double ms = value * ms_per_unit;
  if (ms > 1e15) {
    *error = "'" + text + "' is too long";
    return std::nullopt;
  }
  if (std::abs(ms - std::round(ms)) > 1e-6) {
    *error = "'" + text + "' is finer than the simulator's 1 ms resolution";
    return std::nullopt;
  }
  return SimDuration{std::llround(ms)};
}

// --- scalars ------------------------------------------------------------------------------
std::optional<std::string> scalar_string(Ctx& ctx, const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar()) {
    ctx.error(n, path, "expected a string, got " + describe(n));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::int64_t> scalar_integer(Ctx& ctx, const YAML::Node& n, const std::string& path, std::int64_t min,
                                           std::int64_t max) {
  if (!n.IsScalar()) {
    ctx.error(n, path, "expected an integer, got " + describe(n));
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) {
    ctx.error(n, path, "expected an integer, got '" + s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    ctx.error(n, path, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + s);
    return std::nullopt;
  }
  return v;
}

std::optional<double> scalar_number(Ctx& ctx, const YAML::Node& n, const std::string& path, double min, double max) {
  if (!n.IsScalar()) {
    ctx.error(n, path, "expected a number, got " + describe(n));
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) {
    ctx.error(n, path, "expected a number, got '" + s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    auto fmt = [](double x) {
      std::string t = std::to_string(x);
      while (t.find('.') != std::string::npos && (t.back() == '0' || t.back() == '.')) {
        const bool dot = t.back() == '.';
        t.pop_back();
        if (dot) break;
      }
      return t;
    };
    ctx.error(n, path, "must be between " + fmt(min) + " and " + fmt(max) + ", got " + s);
    return std::nullopt;
  }
  return v;
}

std::optional<SimDuration> scalar_duration(Ctx& ctx, const YAML::Node& n, const std::string& path, SimDuration min) {
  if (!n.IsScalar()) {
    ctx.error(n, path, "expected a duration such as \"30s\", got " + describe(n));
    return std::nullopt;
  }
  std::string err;
  auto d = parse_duration(n.Scalar(), &err);
  if (!d) {
    ctx.error(n, path, err);
    return std::nullopt;
  }
  if (*d < min) {
    ctx.error(n, path, "must be at least " + format_seconds(min) + "s, got " + n.Scalar());
    return std::nullopt;
  }
  return d;
}

bool expect_sequence(Ctx& ctx, const YAML::Node& n, const std::string& path) {
  if (!n.IsDefined() || n.IsNull() || n.IsSequence()) return true;
  ctx.error(n, path, "expected a list, got " + describe(n));
  return false;
}

namespace {
// Visits each distinct node once: YAML aliases share nodes, and a chain of aliases to
// aliases (a "billion laughs" document) would otherwise expand exponentially. A node is
// known by its position in the text; nodes without one (from --set) are always visited.
void check_keys(Ctx& ctx, const YAML::Node& n, const std::string& path, std::unordered_set<int>& visited, std::size_t& budget) {
  if (!n.IsSequence() && !n.IsMap()) return;
  const auto mark = n.Mark();
  if (!mark.is_null() && !visited.insert(mark.pos).second) return;
  if (budget == 0) return;
  if (--budget == 0) {
    ctx.error(n, path.empty() ? "(top level)" : path, "the document has more than 1,000,000 mappings and lists; not read further");
    return;
  }
  if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) check_keys(ctx, n[i], path + "[" + std::to_string(i) + "]", visited, budget);
    return;
  }
  std::map<std::string, YAML::Mark> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
    const std::string sub = path.empty() ? key : path + "." + key;
    auto [pos, inserted] = seen.emplace(key, it->first.Mark());
    if (!inserted) {
      ctx.error(it->first, sub, "duplicate key '" + key + "' (first given at line " + std::to_string(pos->second.line + 1) + ")");
    }
    check_keys(ctx, it->second, sub, visited, budget);
  }
}
}  // namespace

// YAML merge keys (<<: *base, or a list of them) and tags (CloudFormation's !Ref, !Sub, ...),
// with the same visit-once and budget rules as check_keys.
void expand(Ctx& ctx, YAML::Node n, std::unordered_set<int>& visited, std::size_t& budget,
            std::vector<std::pair<std::string, YAML::Mark>>& tags) {
  const std::string& tag = n.Tag();
  if (tag.size() > 1 && tag[0] == '!' && tag != "!") tags.emplace_back(tag, n.Mark());
  if (!n.IsSequence() && !n.IsMap()) return;
  const auto mark = n.Mark();
  if (!mark.is_null() && !visited.insert(mark.pos).second) return;
  if (budget == 0 || --budget == 0) return;  // check_keys reports it
  if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) expand(ctx, n[i], visited, budget, tags);
    return;
  }
  YAML::Node merge;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == "<<" && it->first.Tag() == "?") merge = it->second;
    else expand(ctx, it->second, visited, budget, tags);
  }
  if (!merge.IsDefined()) return;
  std::vector<YAML::Node> sources;
  if (merge.IsMap()) sources.push_back(merge);
  else if (merge.IsSequence())
    for (std::size_t i = 0; i < merge.size(); ++i) sources.push_back(merge[i]);
  n.remove("<<");
  for (const auto& src : sources) {
    if (!src.IsMap()) {
      ctx.error(src, "<<", "a merge key (<<) takes a mapping or a list of mappings");
      continue;
    }
    expand(ctx, src, visited, budget, tags);
    for (auto it = src.begin(); it != src.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const YAML::Node& c = n;
      if (!c[it->first.Scalar()].IsDefined()) n[it->first.Scalar()] = it->second;  // keys given here win
    }
  }
}

void check_duplicate_keys(Ctx& ctx, const YAML::Node& n, const std::string& path) {
  std::unordered_set<int> visited;
  std::size_t budget = 1'000'000;
  check_keys(ctx, n, path, visited, budget);
}

void expand_merge_keys_and_tags(Ctx& ctx, YAML::Node root) {
  std::unordered_set<int> visited;
  std::size_t budget = 1'000'000;
  std::vector<std::pair<std::string, YAML::Mark>> tags;
  expand(ctx, root, visited, budget, tags);
  if (tags.empty()) return;
  std::set<std::string> kinds;
  for (const auto& [t, m] : tags) kinds.insert(t);
  ctx.error_at(tags.front().second, "(tags)",
               "YAML tags such as CloudFormation's intrinsic functions (" + join(std::vector<std::string>(kinds.begin(), kinds.end())) +
                   ": " + std::to_string(tags.size()) + " in the file) are not evaluated: replace each with its value");
}

// --- Fields -----------------------------------------------------------------------------
Fields::Fields(Ctx& ctx, const YAML::Node& node, std::string path, std::string shape)
    : ctx_(ctx), node_(node), path_(std::move(path)), shape_(std::move(shape)) {
  if (!shape_.empty() && !find_aws_shape(shape_)) throw std::logic_error("the AWS field table has no shape " + shape_);
  if (!node_.IsDefined() || !node_.IsMap()) {
    if (node_.IsDefined() && !node_.IsNull())
      ctx_.error(node_, path_.empty() ? "(top level)" : path_, "expected a mapping of keys to values, got " + describe(node_));
    valid_ = false;
    finished_ = true;
    return;
  }
  entries_.reserve(node_.size());
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    Entry e{it->first, it->second, nullptr};
    if (e.key.IsScalar()) e.name = &e.key.Scalar();
    entries_.push_back(std::move(e));
  }
}

const YAML::Node* Fields::find(const std::string& key) const {
  for (const auto& e : entries_)
    if (e.name && *e.name == key) return &e.value;
  return nullptr;
}

Fields::~Fields() {
  // While another exception unwinds the loader, the keys left unread say nothing (and
  // finish() may throw a logic_error, which would terminate the process).
  if (std::uncaught_exceptions() > 0) return;
  try {
    finish();
  } catch (const std::logic_error& e) {  // a loader defect: say so rather than terminate
    ctx_.error_at(YAML::Mark::null_mark(), path_.empty() ? "(top level)" : path_, std::string("internal error (please report): ") + e.what());
  }
}

bool Fields::has(const std::string& key) const {
  if (!valid_) return false;
  const YAML::Node* n = find(key);
  return n && n->IsDefined() && !n->IsNull();
}

bool Fields::has_pascal(const std::string& key) const {
  if (!valid_ || shape_.empty() || key.empty() || !std::islower(static_cast<unsigned char>(key[0]))) return false;
  std::string pascal = key;
  pascal[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(pascal[0])));
  const YAML::Node* n = find(pascal);
  return n && n->IsDefined();
}

YAML::Node Fields::get(const std::string& key, bool required) {
  if (shape_.empty()) {
    known_.push_back(owned_keys_.emplace_back(key));
  } else if (const AwsField* field = find_aws_field(shape_, key)) {
    known_.push_back(field->field);  // the table's own spelling: no copy
  } else {
    throw std::logic_error("the loader reads " + shape_ + "." + key + ", which the AWS field table does not list");
  }
  if (!valid_) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node* found = find(key);
  if (!found || !found->IsDefined() || found->IsNull()) {
    // Given in CloudFormation's spelling: finish() reports that, once for the mapping.
    if (required && !has_pascal(key)) ctx_.error(node_, sub(key), "required field '" + key + "' is missing");
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return *found;
}

std::optional<std::string> Fields::str(const std::string& key, bool required) {
  auto n = get(key, required);
  if (!n.IsDefined()) return std::nullopt;
  return scalar_string(ctx_, n, sub(key));
}

std::optional<std::int64_t> Fields::integer(const std::string& key, std::int64_t min, std::int64_t max, bool required) {
  auto n = get(key, required);
  if (!n.IsDefined()) return std::nullopt;
  return scalar_integer(ctx_, n, sub(key), min, max);
}

std::optional<double> Fields::number(const std::string& key, double min, double max, bool required) {
  auto n = get(key, required);
  if (!n.IsDefined()) return std::nullopt;
  return scalar_number(ctx_, n, sub(key), min, max);
}

std::optional<bool> Fields::boolean(const std::string& key, bool required) {
  auto n = get(key, required);
  if (!n.IsDefined()) return std::nullopt;
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  ctx_.error(n, sub(key), "expected true or false, got " + describe(n));
  return std::nullopt;
}

std::optional<SimDuration> Fields::duration(const std::string& key, bool required, SimDuration min) {
  auto n = get(key, required);
  if (!n.IsDefined()) return std::nullopt;
  return scalar_duration(ctx_, n, sub(key), min);
}

std::optional<std::string> Fields::choice(const std::string& key, const std::vector<std::string>& choices, bool required) {
  auto n = get(key, required);
  if (!n.IsDefined()) return std::nullopt;
  auto s = scalar_string(ctx_, n, sub(key));
  if (!s) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *s) == choices.end()) {
    ctx_.error(n, sub(key), "unknown value '" + *s + "'; expected one of: " + join(choices));
    return std::nullopt;
  }
  return s;
}

void Fields::finish() {
  if (finished_) return;
  finished_ = true;
  // Nothing was read: the loader stopped at an error it reported; listing every key as
  // unknown (with nothing to choose from) would only bury that error.
  if (known_.empty() && shape_.empty() && !ctx_.ok()) return;
  for (const auto& e : entries_) {
    if (!e.name) {
      ctx_.error(e.key, path_, "keys must be plain names");
      continue;
    }
    const std::string& key = *e.name;
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    if (const AwsField* f = shape_.empty() ? nullptr : find_aws_field(shape_, key)) {
      switch (f->cls) {
        case FieldClass::kInert: ctx_.note_ignored_aws_field(shape_, key); continue;
        case FieldClass::kRefused: ctx_.error(e.key, sub(key), std::string(f->note)); continue;
        case FieldClass::kModelled:
        case FieldClass::kExtension:
          throw std::logic_error("the loader did not read " + shape_ + "." + key + ", which the AWS field table lists as " +
                                 field_class_name(f->cls));
      }
    }
    // CloudFormation spells the ECS API's camelCase fields in PascalCase: one line per mapping.
    if (const AwsShape* sh = shape_.empty() ? nullptr : find_aws_shape(shape_); sh && sh->service == "ecs" && !key.empty() &&
        std::isupper(static_cast<unsigned char>(key[0]))) {
      std::string camel = key;
      camel[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(camel[0])));
      if (find_aws_field(shape_, camel)) {
        if (pascal_.empty()) pascal_mark_ = e.key.Mark();
        pascal_.emplace_back(key, camel);
        continue;
      }
    }
    std::vector<std::string> valid(known_.begin(), known_.end());
    std::vector<std::string> all(known_.begin(), known_.end());
    if (!shape_.empty()) {
      for (const auto& f : aws_fields()) {
        if (f.shape != shape_) continue;
        all.emplace_back(f.field);
        if (f.cls == FieldClass::kModelled || f.cls == FieldClass::kExtension) valid.emplace_back(f.field);
      }
    }
    std::sort(valid.begin(), valid.end());
    valid.erase(std::unique(valid.begin(), valid.end()), valid.end());
    std::string msg = "unknown key '" + key + "'";
    if (auto c = closest(key, all)) msg += " (did you mean '" + *c + "'?)";
    msg += "; expected one of: " + join(valid);
    if (!shape_.empty()) msg += " (or a field of " + shape_ + " without effect: `ecsim fields` lists them)";
    ctx_.error(e.key, sub(key), msg);
  }
  if (!pascal_.empty()) {
    std::vector<std::string> from, to;
    for (const auto& [p, c] : pascal_) {
      from.push_back(p);
      to.push_back(c);
    }
    ctx_.error_at(pascal_mark_, path_.empty() ? "(top level)" : path_,
                  join(from) + ": CloudFormation's PascalCase spelling; the ECS API (and ecsim) spell " +
                      (from.size() == 1 ? "it " : "them ") + join(to));
  }
}

}  // namespace ecsim::scenarios::detail
