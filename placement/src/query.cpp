// Cluster query language: a small recursive-descent parser and evaluator.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/placement/query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ecsim::placement {

enum class Op { kEq, kNe, kMatch, kNotMatch, kIn, kNotIn, kExists, kGt, kGe, kLt, kLe };

struct Query::Node {
  enum class Kind { kAnd, kOr, kNot, kCompare } kind = Kind::kCompare;
  std::shared_ptr<const Node> left, right;  // kAnd/kOr both, kNot left
  std::string subject;
  Op op = Op::kEq;
  std::vector<std::string> values;
};

namespace {

using Node = Query::Node;
using NodePtr = std::shared_ptr<const Node>;

bool is_word_char(char c) {
  return !std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')' && c != '[' && c != ']' && c != ',' &&
         c != '=' && c != '!' && c != '<' && c != '>' && c != '~' && c != '&' && c != '|';
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  NodePtr parse_all(std::vector<std::string>& subjects) {
    subjects_ = &subjects;
    skip_space();
    if (pos_ == text_.size()) throw QueryError("the expression is empty", pos_);
    auto node = parse_or();
    skip_space();
    if (pos_ != text_.size()) throw QueryError("unexpected '" + std::string(text_.substr(pos_, 12)) + "'", pos_);
    return node;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool eat(std::string_view tok) {
    skip_space();
    if (text_.substr(pos_, tok.size()) == tok) {
      pos_ += tok.size();
      return true;
    }
    return false;
  }
  /// A keyword (case-insensitive) followed by a non-word character.
  bool eat_keyword(std::string_view kw) {
    skip_space();
    if (pos_ + kw.size() > text_.size() || lower(text_.substr(pos_, kw.size())) != kw) return false;
    if (pos_ + kw.size() < text_.size() && is_word_char(text_[pos_ + kw.size()])) return false;
    pos_ += kw.size();
    return true;
  }
  std::string word(const char* what) {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
    if (pos_ == start) throw QueryError(std::string("expected ") + what, start);
    return std::string(text_.substr(start, pos_ - start));
  }

  NodePtr parse_or() {
    auto left = parse_and();
    while (eat("||") || eat_keyword("or")) {
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kOr;
      n->left = left;
      n->right = parse_and();
      left = n;
    }
    return left;
  }
  NodePtr parse_and() {
    auto left = parse_unary();
    while (eat("&&") || eat_keyword("and")) {
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kAnd;
      n->left = left;
      n->right = parse_unary();
      left = n;
    }
    return left;
  }
  NodePtr parse_unary() {
    skip_space();
    if ((text_.substr(pos_, 1) == "!" && text_.substr(pos_, 2) != "!=" && text_.substr(pos_, 2) != "!~" && eat("!")) ||
        eat_keyword("not")) {
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kNot;
      n->left = parse_unary();
      return n;
    }
    if (eat("(")) {
      auto inner = parse_or();
      if (!eat(")")) throw QueryError("expected ')'", pos_);
      return inner;
    }
    return parse_compare();
  }
  NodePtr parse_compare() {
    skip_space();
    const std::size_t subject_at = pos_;
    auto n = std::make_shared<Node>();
    n->subject = word("a subject such as attribute:ecs.instance-type");
    if (n->subject.rfind("attribute:", 0) == 0) {
      if (n->subject.size() == 10) throw QueryError("attribute: needs a name", subject_at);
    } else if (n->subject != "ec2InstanceId") {
      if (n->subject.rfind("task:", 0) == 0)
        throw QueryError("'" + n->subject + "' (task affinity) is not modelled; use attribute:NAME or ec2InstanceId", subject_at);
      throw QueryError("unknown subject '" + n->subject + "'; valid: attribute:NAME, ec2InstanceId", subject_at);
    }
    subjects_->push_back(n->subject);
    skip_space();
    const std::size_t op_at = pos_;
    if (eat("==")) n->op = Op::kEq;
    else if (eat("!=")) n->op = Op::kNe;
    else if (eat("=~")) n->op = Op::kMatch;
    else if (eat("!~")) n->op = Op::kNotMatch;
    else if (eat(">=")) n->op = Op::kGe;
    else if (eat("<=")) n->op = Op::kLe;
    else if (eat(">")) n->op = Op::kGt;
    else if (eat("<")) n->op = Op::kLt;
    else if (eat_keyword("equals")) n->op = Op::kEq;
    else if (eat_keyword("not_equals")) n->op = Op::kNe;
    else if (eat_keyword("matches")) n->op = Op::kMatch;
    else if (eat_keyword("not_matches")) n->op = Op::kNotMatch;
    else if (eat_keyword("not_in")) n->op = Op::kNotIn;
    else if (eat_keyword("in")) n->op = Op::kIn;
    else if (eat_keyword("exists")) {
      n->op = Op::kExists;
      return n;
    } else {
      throw QueryError("expected an operator: ==, !=, =~, !~, in, not_in, exists, >, >=, <, <=", op_at);
    }
    if (n->op == Op::kIn || n->op == Op::kNotIn) {
      skip_space();
      const char close = eat("[") ? ']' : (eat("(") ? ')' : '\0');
      if (!close) throw QueryError("expected a list such as [a, b]", pos_);
      do {
        n->values.push_back(word("a value"));
      } while (eat(","));
      if (!eat(std::string_view(&close, 1))) throw QueryError(std::string("expected '") + close + "'", pos_);
    } else {
      n->values.push_back(word("a value"));
    }
    return n;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::vector<std::string>* subjects_ = nullptr;
};

std::optional<double> as_number(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

int compare(std::string_view a, std::string_view b) {
  auto x = as_number(a), y = as_number(b);
  if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  return a < b ? -1 : (a > b ? 1 : 0);
}

bool eval(const Node& n, const SubjectLookup& lookup) {
  switch (n.kind) {
    case Node::Kind::kAnd: return eval(*n.left, lookup) && eval(*n.right, lookup);
    case Node::Kind::kOr: return eval(*n.left, lookup) || eval(*n.right, lookup);
    case Node::Kind::kNot: return !eval(*n.left, lookup);
    case Node::Kind::kCompare: break;
  }
  const auto v = lookup(n.subject);
  if (n.op == Op::kExists) return v.has_value();
  if (!v) return n.op == Op::kNe || n.op == Op::kNotMatch || n.op == Op::kNotIn;
  const auto& want = n.values.front();
  switch (n.op) {
    case Op::kEq: return *v == want;
    case Op::kNe: return *v != want;
    case Op::kMatch: return wildcard_match(want, *v);
    case Op::kNotMatch: return !wildcard_match(want, *v);
    case Op::kIn: return std::find(n.values.begin(), n.values.end(), *v) != n.values.end();
    case Op::kNotIn: return std::find(n.values.begin(), n.values.end(), *v) == n.values.end();
    case Op::kGt: return compare(*v, want) > 0;
    case Op::kGe: return compare(*v, want) >= 0;
    case Op::kLt: return compare(*v, want) < 0;
    case Op::kLe: return compare(*v, want) <= 0;
    case Op::kExists: break;
  }
  return false;
}

}  // namespace

Query Query::parse(std::string_view text) {
  Query q;
  q.root_ = Parser(text).parse_all(q.subjects_);
  std::sort(q.subjects_.begin(), q.subjects_.end());
  q.subjects_.erase(std::unique(q.subjects_.begin(), q.subjects_.end()), q.subjects_.end());
  return q;
}

bool Query::matches(const SubjectLookup& lookup) const { return eval(*root_, lookup); }

bool wildcard_match(std::string_view p, std::string_view s) {
  // Iterative glob match with backtracking to the last '*'.
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++pi;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace ecsim::placement
