// --set PATH=VALUE: edits the parsed YAML tree before validation.
// SPDX-License-Identifier: Apache-2.0
#include <yaml-cpp/yaml.h>

#include <cctype>

#include <optional>
#include <string>
#include <vector>

#include "overrides.hpp"

namespace ecsim::scenarios::detail {

namespace {

const char* const kNameKeys[] = {"name", "serviceName", "clusterName", "family", "capacityProvider",
                                 "PolicyName", "ScheduledActionName", "AutoScalingGroupName"};

struct Segment {
  bool is_index = false;  // [..]
  std::string text;
};

bool parse_path(const std::string& path, std::vector<Segment>* out, std::string* error) {
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) {
        *error = "unbalanced or empty [] in the path";
        return false;
      }
      out->push_back({true, path.substr(i + 1, close - i - 1)});
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
    } else {
      std::size_t end = path.find_first_of(".[", i);
      if (end == std::string::npos) end = path.size();
      if (end == i) {
        *error = "empty key in the path";
        return false;
      }
      out->push_back({false, path.substr(i, end - i)});
      i = end;
      if (i < path.size() && path[i] == '.') ++i;
    }
  }
  if (out->empty()) {
    *error = "empty path";
    return false;
  }
  return true;
}

// A value YAML reads as a plain string scalar of the same text (a number, a word, a duration,
// a family:revision), which needs no parser: a letter or digit, then letters, digits and
// . - _ / : (no ": " or " #" can occur, nor a final ":"), and not one of YAML's spellings of null.
bool plain_scalar(const std::string& s) {
  if (s.empty() || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  for (const char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != '/' && c != ':') return false;
  return s.back() != ':' && s != "null" && s != "Null" && s != "NULL";
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

std::optional<std::size_t> find_item(const YAML::Node& list, const std::string& selector, std::vector<std::string>* names) {
  if (all_digits(selector)) {
    // Digits past any list's length are out of range too (and would overflow stoul).
    const std::size_t index = selector.size() > 9 ? list.size() : std::stoul(selector);
    if (index >= list.size()) return std::nullopt;
    return index;
  }
  std::optional<std::size_t> index;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    if (!item.IsMap()) continue;
    for (const char* key : kNameKeys) {
      const YAML::Node n = item[key];
      if (n.IsDefined() && n.IsScalar()) {
        if (names) names->push_back(n.Scalar());
        if (n.Scalar() == selector && !index) {
          index = i;
          if (!names) return index;
        }
        break;
      }
    }
  }
  return index;
}

std::optional<ItemOverride> item_override(const std::string& expr, const std::string& list) {
  // LIST[SEL].KEY...=VALUE, in apply_overrides' own path syntax
  const std::size_t eq = expr.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  std::vector<Segment> segs;
  std::string err;
  if (!parse_path(expr.substr(0, eq), &segs, &err) || segs.size() < 3 || segs[0].is_index || segs[0].text != list ||
      !segs[1].is_index || segs[2].is_index)
    return std::nullopt;
  for (const char* name_key : kNameKeys)
    if (segs[2].text == name_key) return std::nullopt;
  // The path after "LIST[SEL]" and the dot that may follow it: the item's own path.
  std::size_t rest = list.size() + segs[1].text.size() + 2;
  if (expr[rest] == '.') ++rest;
  return ItemOverride{segs[1].text, expr.substr(rest)};
}

void apply_overrides(Ctx& ctx, YAML::Node& root, const std::vector<std::string>& overrides) {
  for (const auto& expr : overrides) {
    const std::size_t eq = expr.find('=');
    auto fail = [&](const std::string& msg) {
      ctx.error_in_override(expr, eq == std::string::npos || eq == 0 ? "(--set)" : expr.substr(0, eq), msg);
    };
    if (eq == std::string::npos || eq == 0) {
      fail("expected PATH=VALUE, for example services[web].desiredCount=8");
      continue;
    }
    const std::string path = expr.substr(0, eq);
    const std::string value_text = expr.substr(eq + 1);
    std::vector<Segment> segs;
    std::string err;
    if (!parse_path(path, &segs, &err)) {
      fail(err);
      continue;
    }
    YAML::Node value;
    try {
      value = plain_scalar(value_text) ? YAML::Node(value_text) : YAML::Load(value_text);
    } catch (const YAML::Exception& e) {
      fail("the value is not valid YAML: " + e.msg);
      continue;
    }
    if (!root.IsMap()) {
      fail("the scenario's top level is not a mapping");
      continue;
    }
    // Walk; cur.reset() rebinds the handle (operator= would overwrite the node it refers to).
    YAML::Node cur;
    cur.reset(root);
    std::string canonical;
    bool ok = true;
    for (std::size_t k = 0; k < segs.size() && ok; ++k) {
      const Segment& s = segs[k];
      const bool last = k + 1 == segs.size();
      if (!s.is_index) {
        if (cur.IsDefined() && !cur.IsNull() && !cur.IsMap()) {
          fail("'" + canonical + "' is not a mapping, so it has no key '" + s.text + "'");
          ok = false;
          break;
        }
        canonical += (canonical.empty() ? "" : ".") + s.text;
        if (last) {
          cur[s.text] = value;
        } else {
          YAML::Node next = cur[s.text];
          if (!next.IsDefined() || next.IsNull()) {
            cur[s.text] = YAML::Node(YAML::NodeType::Map);
            next = cur[s.text];
          }
          cur.reset(next);
        }
        continue;
      }
      if (!cur.IsSequence()) {
        fail("'" + canonical + "' is not a list, so [" + s.text + "] does not select anything");
        ok = false;
        break;
      }
      std::vector<std::string> names;
      const auto found = find_item(cur, s.text, &names);
      if (!found) {
        if (all_digits(s.text))
          fail("'" + canonical + "' has " + std::to_string(cur.size()) + " items; index " + s.text + " is out of range");
        else
          fail("no item named '" + s.text + "' in " + canonical + "; names there: " + join(names));
        ok = false;
        break;
      }
      const std::size_t index = *found;
      canonical += "[" + std::to_string(index) + "]";
      if (last) {
        cur[index] = value;
      } else {
        YAML::Node next = cur[index];
        cur.reset(next);
      }
    }
    if (ok) ctx.add_override(canonical, expr);
  }
}

}  // namespace ecsim::scenarios::detail
