// PcapLive: clear errors for a missing interface and a bad filter; on loopback (root only) a
// frame is captured, an idle read times out, interrupt() ends a blocked read, and kernel
// statistics are filled.
#include "normwatch/capture/pcap_live.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace normwatch::capture {
namespace {

bool is_root() { return geteuid() == 0; }

TEST(PcapLive, NoSuchInterface) {
  LiveOptions o;
  o.interface = "nw-nosuch9";
  auto r = open_pcap_live(o);
  ASSERT_FALSE(r.has_value());
  if (is_root()) {
    EXPECT_EQ(r.error(), "no such interface 'nw-nosuch9' (see: ip link)");
  } else {
    // Without CAP_NET_RAW the kernel refuses the socket before looking at the name.
    EXPECT_TRUE(r.error() == "no such interface 'nw-nosuch9' (see: ip link)" || r.error().find("no permission to capture") == 0)
        << r.error();
  }
}

TEST(PcapLive, NoInterfaceGiven) {
  auto r = open_pcap_live(LiveOptions{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "no capture interface given");
}

class Loopback : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!is_root()) GTEST_SKIP() << "live capture on lo needs root or CAP_NET_RAW (run the tests as root to include it)";
  }
};

constexpr std::uint16_t kPort = 47999;

void send_udp_to_loopback(std::uint16_t port) {
  const int s = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(s, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const char payload[] = "normwatch";
  EXPECT_EQ(sendto(s, payload, sizeof payload, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to), static_cast<ssize_t>(sizeof payload));
  close(s);
}

TEST_F(Loopback, CapturesTimesOutAndCounts) {
  LiveOptions o;
  o.interface = "lo";
  o.bpf_filter = "udp and dst port " + std::to_string(kPort);
  o.read_timeout_ms = 50;
  o.buffer_size_bytes = 1 << 20;
  auto r = open_pcap_live(o);
  ASSERT_TRUE(r.has_value()) << r.error();
  PcapLive& live = *r.value();
  EXPECT_EQ(live.name(), "interface lo");
  EXPECT_EQ(live.link_type(), 1);

  RawFrame frame;
  EXPECT_EQ(live.next(frame), ReadStatus::timeout);  // nothing sent yet

  send_udp_to_loopback(kPort);
  ReadStatus s = ReadStatus::timeout;
  for (int i = 0; i < 40 && s == ReadStatus::timeout; ++i) s = live.next(frame);
  ASSERT_EQ(s, ReadStatus::frame);
  EXPECT_EQ(frame.frame_no, 1u);
  EXPECT_EQ(frame.link_type, 1);
  EXPECT_EQ(frame.bytes.size(), 14u + 20 + 8 + 10);
  EXPECT_GT(frame.ts.ns, 0);
  const CaptureStats st = live.stats();
  EXPECT_TRUE(st.has_kernel_stats);
  EXPECT_GE(st.kernel_received, 1u);
  EXPECT_EQ(st.frames, 1u);
}

TEST_F(Loopback, InterruptEndsABlockedRead) {
  LiveOptions o;
  o.interface = "lo";
  o.bpf_filter = "udp and dst port " + std::to_string(kPort + 1);
  o.read_timeout_ms = 5000;
  auto r = open_pcap_live(o);
  ASSERT_TRUE(r.has_value()) << r.error();
  PcapLive& live = *r.value();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    live.interrupt();
  });
  RawFrame frame;
  const auto start = std::chrono::steady_clock::now();
  ReadStatus s = ReadStatus::timeout;
  while (s == ReadStatus::timeout) s = live.next(frame);
  stopper.join();
  EXPECT_EQ(s, ReadStatus::end_of_capture);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_EQ(live.next(frame), ReadStatus::end_of_capture);  // stays stopped
}

TEST_F(Loopback, BadFilterIsNamed) {
  LiveOptions o;
  o.interface = "lo";
  o.bpf_filter = "port ((";
  auto r = open_pcap_live(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().find("bad capture filter 'port ((': "), 0u) << r.error();
}

}  // namespace
}  // namespace normwatch::capture
