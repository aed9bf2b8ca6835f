// Test support: ScriptedWorker, an in-process WorkerConnection whose replies come
// from a function of the request (over a socketpair, through the real client
// code), so client behaviour can be tested against any reply a worker may give.
// Header-only.
#ifndef PIKE_TEST_UNIT_WORKER_SCRIPTEDWORKER_H
#define PIKE_TEST_UNIT_WORKER_SCRIPTEDWORKER_H

#include "pike/WorkerClient/LineIO.h"
#include "pike/WorkerClient/Protocol.h"
#include "pike/WorkerClient/Worker.h"

#include <functional>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace pike::worker::test {

class ScriptedWorker : public WorkerConnection {
public:
  /// Gets each request as sent; returns the reply (its "id" is set from the request).
  using Handler = std::function<nlohmann::json(const nlohmann::json &request)>;

  explicit ScriptedWorker(Handler handler) : handler_(std::move(handler)) {}
  ~ScriptedWorker() override { stop(); }
  std::string describe() const override { return "scripted test worker"; }

protected:
  std::pair<int, int> open() override {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
      throw WorkerError("socketpair failed");
    client_ = fds[0];
    clientWrite_ = ::dup(fds[0]);
    server_ = fds[1];
    serverThread_ = std::thread([this, fd = fds[1]] { serve(fd); });
    return {client_, clientWrite_};
  }
  void closeTransport() override { ::shutdown(client_, SHUT_RDWR); }
  std::string deathReason() override { return "closed"; }
  void release() override {
    if (serverThread_.joinable())
      serverThread_.join();
    for (int *fd : {&client_, &clientWrite_, &server_})
      if (*fd >= 0) {
        ::close(*fd);
        *fd = -1;
      }
  }

private:
  void serve(int fd) {
    LineReader reader(fd, kMaxLineBytes);
    std::string line;
    while (reader.next(line)) {
      nlohmann::json request = nlohmann::json::parse(line);
      nlohmann::json reply = handler_(request);
      reply["id"] = request.value("id", nlohmann::json());
      reply["protocol"] = kProtocolVersion;
      if (!writeLine(fd, reply.dump()))
        return;
    }
  }

  Handler handler_;
  std::thread serverThread_;
  int client_ = -1, clientWrite_ = -1, server_ = -1;
};

} // namespace pike::worker::test

#endif
