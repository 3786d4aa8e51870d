// The collector's ZAP handler (ZeroMQ RFC 27): admits a CURVE client only when its public key is
// in the allow-list, names the connection after the key file (User-Id), and logs refusals.
#include "normwatch/publish/wire.hpp"
#include "server_impl.hpp"

namespace normwatch::collector {

void Server::Impl::handle_zap() {
  for (int requests = 0; requests < 64; ++requests) {
    std::vector<zmq::message_t> frames;
    zmq::message_t first;
    if (!zap.recv(first, zmq::recv_flags::dontwait)) return;
    bool more = first.more();
    frames.push_back(std::move(first));
    while (more) {
      zmq::message_t part;
      if (!zap.recv(part, zmq::recv_flags::none)) break;
      more = part.more();
      if (frames.size() < 16) frames.push_back(std::move(part));
    }
    // version, request id, domain, address, routing id, mechanism, credentials...
    std::string status = "400";
    std::string text = "refused";
    std::string user;
    if (frames.size() >= 6 && frames[0].to_string_view() == "1.0") {
      const std::string address = frames[3].to_string();
      const std::string_view mechanism = frames[5].to_string_view();
      if (mechanism == "CURVE" && frames.size() >= 7 && frames[6].size() == 32 && allow) {
        char z85[41];
        zmq_z85_encode(z85, static_cast<const std::uint8_t*>(frames[6].data()), 32);
        if (auto name = allow->lookup(z85); name) {
          status = "200";
          text = "OK";
          user = *name;
        } else {
          count(&ServerStats::refused);
          text = "unknown key";
          log_limited(std::string("refused ") + z85, "refused a sensor connecting from " + address + ": its key " +
                                                         z85 + " is not in the allow-list " +
                                                         allow->dir().string());
        }
      } else if (mechanism == "NULL" && options.plaintext_lab) {
        status = "200";
        text = "OK";
        user = "plaintext";
      } else {
        count(&ServerStats::refused);
        log_limited("mechanism " + std::string(mechanism) + " " + address,
                    "refused a connection from " + address + " using " + std::string(mechanism) +
                        (options.plaintext_lab ? " (this collector runs in plaintext lab mode)"
                                               : " (this collector requires CURVE)"));
      }
    }
    try {
      const std::string request_id = frames.size() >= 2 ? frames[1].to_string() : std::string();
      zap.send(zmq::buffer(std::string_view("1.0")), zmq::send_flags::sndmore);
      zap.send(zmq::buffer(request_id), zmq::send_flags::sndmore);
      zap.send(zmq::buffer(status), zmq::send_flags::sndmore);
      zap.send(zmq::buffer(text), zmq::send_flags::sndmore);
      zap.send(zmq::buffer(user), zmq::send_flags::sndmore);
      zap.send(zmq::buffer(std::string_view()), zmq::send_flags::none);
    } catch (const zmq::error_t& e) {
      log(std::string("ZAP reply failed: ") + e.what());
    }
  }
}

}  // namespace normwatch::collector
