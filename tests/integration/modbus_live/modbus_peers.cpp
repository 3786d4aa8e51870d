// modbus-live-peers PORT: a real libmodbus TCP server (modbus_mapping_new, modbus_receive,
// modbus_reply) and a real libmodbus client on 127.0.0.1:PORT, the client running the script of
// modbus_script.cpp over one connection. Prints the decode lines the traffic must produce, one
// JSON object per line, with the transaction ids the server actually received; exits 1 when
// libmodbus saw anything else than the script expects.
#include <modbus/modbus.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "modbus_script.hpp"

namespace {

using normwatch::live_test::kMappingSize;

// What the server received: transaction id, unit id and function code of each request.
struct Received {
  int tid;
  int unit;
  int fc;
};

struct Server {
  modbus_t* ctx = nullptr;
  modbus_mapping_t* mapping = nullptr;
  int listener = -1;
  std::mutex lock;
  std::vector<Received> received;
  std::string error;
};

void serve(Server& server) {
  int listener = server.listener;
  if (modbus_tcp_accept(server.ctx, &listener) < 0) {
    server.error = std::string("modbus_tcp_accept: ") + modbus_strerror(errno);
    return;
  }
  std::uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
  const int header = modbus_get_header_length(server.ctx);
  for (;;) {
    const int n = modbus_receive(server.ctx, query);
    if (n == 0) continue;   // a query for another server (RTU only)
    if (n < 0) break;       // the client closed the connection
    {
      std::lock_guard<std::mutex> guard(server.lock);
      server.received.push_back({(query[0] << 8) | query[1], query[header - 1], query[header]});
    }
    if (modbus_reply(server.ctx, query, n, server.mapping) < 0) {
      server.error = std::string("modbus_reply: ") + modbus_strerror(errno);
      break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: modbus-live-peers PORT\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  Server server;
  server.ctx = modbus_new_tcp("127.0.0.1", port);
  server.mapping = modbus_mapping_new(kMappingSize, kMappingSize, kMappingSize, kMappingSize);
  if (server.ctx == nullptr || server.mapping == nullptr) {
    std::fprintf(stderr, "modbus-live-peers: cannot create the server: %s\n", modbus_strerror(errno));
    return 1;
  }
  // libmodbus' server sleeps its response timeout (flushing its input) before it answers an
  // unsupported function or value with an exception: keep the scan short.
  modbus_set_response_timeout(server.ctx, 0, 20000);
  server.listener = modbus_tcp_listen(server.ctx, 1);
  if (server.listener < 0) {
    std::fprintf(stderr, "modbus-live-peers: cannot listen on 127.0.0.1:%d: %s\n", port, modbus_strerror(errno));
    return 1;
  }
  std::thread server_thread(serve, std::ref(server));

  modbus_t* client = modbus_new_tcp("127.0.0.1", port);
  if (client == nullptr || modbus_connect(client) != 0) {
    std::fprintf(stderr, "modbus-live-peers: cannot connect: %s\n", modbus_strerror(errno));
    return 1;
  }
  modbus_set_slave(client, normwatch::live_test::kFirstUnit);
  modbus_set_response_timeout(client, 5, 0);
  const auto& steps = normwatch::live_test::script();
  int failures = 0;
  for (const auto& step : steps) {
    const std::string problem = step.run(client);
    if (!problem.empty()) {
      std::fprintf(stderr, "modbus-live-peers: step '%s': %s\n", step.name.c_str(), problem.c_str());
      ++failures;
    }
  }
  modbus_close(client);
  modbus_free(client);
  server_thread.join();
  close(server.listener);
  modbus_close(server.ctx);
  modbus_free(server.ctx);
  modbus_mapping_free(server.mapping);

  if (!server.error.empty()) {
    std::fprintf(stderr, "modbus-live-peers: server: %s\n", server.error.c_str());
    ++failures;
  }
  if (server.received.size() != steps.size()) {
    std::fprintf(stderr, "modbus-live-peers: the server received %zu requests, the script has %zu\n", server.received.size(),
                 steps.size());
    return 1;
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& got = server.received[i];
    const auto& want = steps[i].request;
    if (got.unit != want.unit || got.fc != want.fc) {
      std::fprintf(stderr, "modbus-live-peers: request %zu reached the server as unit %d fc %d, not unit %d fc %d\n", i,
                   got.unit, got.fc, want.unit, want.fc);
      ++failures;
    }
    std::printf("%s\n%s\n", normwatch::live_test::to_json(want, got.tid, steps[i].name).c_str(),
                normwatch::live_test::to_json(steps[i].response, got.tid, steps[i].name).c_str());
  }
  std::fprintf(stderr, "modbus-live-peers: %zu steps, %d failed on the libmodbus side\n", steps.size(), failures);
  return failures == 0 ? 0 : 1;
}
