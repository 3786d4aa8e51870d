#include <gtest/gtest.h>

#include "normwatch/core/ip_address.hpp"
#include "normwatch/core/result.hpp"
#include "normwatch/core/timestamp.hpp"

namespace normwatch::core {
namespace {

TEST(IpAddress, ParsesAndFormatsBothFamilies) {
  const auto v4 = IpAddress::parse("10.1.0.5");
  ASSERT_TRUE(v4.has_value());
  EXPECT_TRUE(v4->is_v4());
  EXPECT_EQ(v4->to_string(), "10.1.0.5");
  EXPECT_EQ(*v4, IpAddress::v4(0x0A010005u));
  const auto v6 = IpAddress::parse("2001:db8::1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(format_endpoint(*v6, 20000), "[2001:db8::1]:20000");
  EXPECT_EQ(format_endpoint(*v4, 502), "10.1.0.5:502");
  EXPECT_FALSE(IpAddress::parse("10.1.0.256").has_value());
  EXPECT_LT(*v4, *v6);  // family orders first, so keys sort deterministically
}

TEST(Timestamp, MicrosecondTextTruncatesNanoseconds) {
  EXPECT_EQ(Timestamp::from_seconds(1700000000, 412999).to_micro_string(), "1700000000.000412");
  EXPECT_EQ(Timestamp::from_seconds(0, 0).to_rfc3339(), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(Timestamp{-1}.to_micro_string(), "-1.999999");
}

Result<int, std::string> half(int v) {
  if (v % 2 != 0) return unexpected(std::string("odd"));
  return v / 2;
}

TEST(Result, HoldsValueOrError) {
  EXPECT_EQ(*half(8), 4);
  EXPECT_FALSE(half(3).has_value());
  EXPECT_EQ(half(3).error(), "odd");
  EXPECT_EQ(half(3).value_or(-1), -1);
}

}  // namespace
}  // namespace normwatch::core
