// The cluster query language of memberOf constraints.
#include <gtest/gtest.h>

#include <map>

#include "ecsim/placement/query.hpp"

namespace ecsim::placement {
namespace {

bool eval(const std::string& expr, const std::map<std::string, std::string>& attrs) {
  return Query::parse(expr).matches([&](std::string_view subject) -> std::optional<std::string_view> {
    auto it = attrs.find(std::string(subject));
    if (it == attrs.end()) return std::nullopt;
    return std::string_view(it->second);
  });
}

const std::map<std::string, std::string> kM5 = {{"attribute:ecs.instance-type", "m5.large"},
                                                {"attribute:ecs.availability-zone", "us-east-1a"},
                                                {"attribute:ecs.cpu-architecture", "x86_64"},
                                                {"attribute:stack", "prod"},
                                                {"ec2InstanceId", "i-00000001"}};

TEST(Query, ComparisonsAndWildcards) {
  EXPECT_TRUE(eval("attribute:ecs.instance-type == m5.large", kM5));
  EXPECT_FALSE(eval("attribute:ecs.instance-type != m5.large", kM5));
  EXPECT_TRUE(eval("attribute:ecs.instance-type =~ m5.*", kM5));
  EXPECT_FALSE(eval("attribute:ecs.instance-type =~ c5.*", kM5));
  EXPECT_TRUE(eval("attribute:ecs.instance-type !~ c5.*", kM5));
  EXPECT_TRUE(eval("attribute:ecs.instance-type matches *.large", kM5));
  EXPECT_TRUE(eval("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", kM5));
  EXPECT_FALSE(eval("attribute:ecs.availability-zone in (us-east-1b, us-east-1c)", kM5));
  EXPECT_TRUE(eval("attribute:ecs.availability-zone not_in [us-east-1b]", kM5));
  EXPECT_TRUE(eval("attribute:stack exists", kM5));
  EXPECT_FALSE(eval("attribute:team exists", kM5));
  EXPECT_TRUE(eval("ec2InstanceId == i-00000001", kM5));
}

TEST(Query, AnUnclosedListIsAnError) {
  for (const auto& [expr, message] : std::map<std::string, std::string>{
           {"attribute:ecs.instance-type in [m5.large, c5.large", "expected ']'"},
           {"attribute:ecs.instance-type in m5.large", "expected a list such as [a, b]"}}) {
    try {
      Query::parse(expr);
      ADD_FAILURE() << "accepted " << expr;
    } catch (const QueryError& e) {
      EXPECT_EQ(e.what(), message);
    }
  }
  EXPECT_TRUE(eval("attribute:ecs.instance-type in [m5.large, c5.large]", kM5));
}

TEST(Query, OperatorsNeedNoSpaces) {
  // Expressions written tight read the same: an operator character ends a word.
  EXPECT_TRUE(eval("attribute:ecs.instance-type==m5.large", kM5));
  EXPECT_FALSE(eval("attribute:ecs.instance-type!=m5.large", kM5));
  EXPECT_TRUE(eval("attribute:ecs.instance-type=~m5.*", kM5));
  EXPECT_TRUE(eval("attribute:ecs.instance-type!~c5.*", kM5));
  EXPECT_TRUE(eval("attribute:stack==prod&&attribute:ecs.cpu-architecture==x86_64", kM5));
  EXPECT_TRUE(eval("attribute:stack==dev||attribute:stack==prod", kM5));
}

TEST(Query, BooleanOperatorsAndPrecedence) {
  EXPECT_TRUE(eval("attribute:stack == prod and attribute:ecs.cpu-architecture == x86_64", kM5));
  EXPECT_FALSE(eval("attribute:stack == prod && attribute:ecs.cpu-architecture == arm64", kM5));
  EXPECT_TRUE(eval("attribute:stack == dev or attribute:stack == prod", kM5));
  // and binds tighter than or: false and false or true == true
  EXPECT_TRUE(eval("attribute:stack == dev and attribute:stack == x or attribute:stack == prod", kM5));
  EXPECT_FALSE(eval("not(attribute:stack == prod)", kM5));
  EXPECT_TRUE(eval("!(attribute:stack == dev) || attribute:x == y", kM5));
  EXPECT_TRUE(eval("(attribute:stack == dev or attribute:stack == prod) and attribute:ecs.instance-type =~ m5.*", kM5));
}

TEST(Query, AbsentAttributeMatchesOnlyNegations) {
  EXPECT_FALSE(eval("attribute:team == a", kM5));
  EXPECT_TRUE(eval("attribute:team != a", kM5));
  EXPECT_TRUE(eval("attribute:team not_in [a]", kM5));
}

TEST(Query, NumericComparisonWhenBothSidesAreNumbers) {
  const std::map<std::string, std::string> a = {{"attribute:gen", "10"}};
  EXPECT_TRUE(eval("attribute:gen > 9", a));  // numerically 10 > 9 (lexically it is not)
  EXPECT_TRUE(eval("attribute:gen >= 10", a));
  EXPECT_FALSE(eval("attribute:gen < 10", a));
}

TEST(Query, SyntaxErrorsSayWhere) {
  auto offset_of = [](const std::string& e) -> long {
    try {
      Query::parse(e);
    } catch (const QueryError& err) {
      return static_cast<long>(err.offset());
    }
    return -1;
  };
  EXPECT_EQ(offset_of("attribute:ecs.instance-type =="), 30);
  EXPECT_EQ(offset_of("attribute:a == b and"), 20);
  EXPECT_EQ(offset_of("attribute:a in [b, c"), 20);
  EXPECT_EQ(offset_of("colour == red"), 0);
  EXPECT_EQ(offset_of("attribute:a ~= b"), 12);
  EXPECT_EQ(offset_of(""), 0);
  EXPECT_THROW(Query::parse("task:group == service:web"), QueryError);
  EXPECT_EQ(offset_of("attribute:a == b"), -1);
}

TEST(Query, WildcardMatch) {
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("m5*", "m5.large"));
  EXPECT_TRUE(wildcard_match("*large", "m5.xlarge"));
  EXPECT_TRUE(wildcard_match("m*.*large", "m6i.2xlarge"));
  EXPECT_FALSE(wildcard_match("m5.*", "m5d.large"));
  EXPECT_FALSE(wildcard_match("m5", "m5.large"));
}

}  // namespace
}  // namespace ecsim::placement
