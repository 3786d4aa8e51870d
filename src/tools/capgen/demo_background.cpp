// Demo actor: ordinary IT traffic next to the ICS flows, for nDPI to classify: a DNS lookup
// (cycle 0), an HTTP GET to the historian (cycle 2), an SSH identification exchange with a jump
// host (cycle 4) and an NTP poll by PLC 1 (cycle 6).
#include "capgen/background_encoder.hpp"
#include "capgen/demo_actors.hpp"
#include "capgen/plant.hpp"

namespace normwatch::tools::capgen::demo {
namespace {

constexpr std::string_view kSshSoftware = "OpenSSH_9.2p1 Debian-2+deb12u3";

class Background final : public Actor {
 public:
  explicit Background(ScenarioContext& ctx) : ctx_(ctx) {}

  void step(int cycle, int /*last*/) override {
    switch (cycle) {
      case 0:
        dns();
        break;
      case 2:
        http();
        break;
      case 4:
        ssh();
        break;
      case 6:
        ntp();
        break;
      default:
        break;
    }
  }

 private:
  void dns() {
    UdpFlow flow(ctx_.out(), endpoints(plant::hmi(), 53001, plant::dns_ntp_server(), 53));
    constexpr std::string_view kName = "historian.plant.example";
    flow.send(Side::client, background::dns_query(0x4E57, kName));
    ctx_.out().advance_us(700);
    flow.send(Side::server, background::dns_response(0x4E57, kName, plant::historian().ip, 300));
  }

  void http() {
    TcpSession tcp = open_session(ctx_, endpoints(plant::engineering(), 51000, plant::historian(), 80));
    tcp.handshake();
    tcp.send(Side::client, background::http_get("historian.plant.example", "/api/v1/status"));
    ctx_.out().advance_us(3'000);
    tcp.send(Side::server, background::http_response("{\"status\":\"ok\",\"tags\":412,\"uptime_s\":86400}\n"));
    tcp.ack(Side::client);
    tcp.close(Side::client);
  }

  void ssh() {
    TcpSession tcp = open_session(ctx_, endpoints(plant::engineering(), 51010, plant::jump_host(), 22));
    tcp.handshake();
    tcp.send(Side::server, background::ssh_banner(kSshSoftware));  // the server speaks first
    tcp.send(Side::client, background::ssh_banner(kSshSoftware));
    tcp.ack(Side::server);
    tcp.close(Side::client);
  }

  void ntp() {
    UdpFlow flow(ctx_.out(), endpoints(plant::plc1(), 123, plant::dns_ntp_server(), 123));
    const std::int64_t sent = ctx_.out().now_us();
    flow.send(Side::client, background::ntp_client(sent));
    ctx_.out().advance_us(400);
    const std::int64_t received = ctx_.out().now_us();
    flow.send(Side::server, background::ntp_server(sent, received, received + 30));
  }

  ScenarioContext& ctx_;
};

}  // namespace

std::unique_ptr<Actor> background(ScenarioContext& ctx) { return std::make_unique<Background>(ctx); }

}  // namespace normwatch::tools::capgen::demo
