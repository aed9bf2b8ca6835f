#include "Supervisor.h"

#include "pike/WorkerClient/LineIO.h"
#include "pike/WorkerClient/Process.h"
#include "pike/WorkerClient/Protocol.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pike::worker {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
std::string describeStatus(int st) {
  if (WIFEXITED(st)) {
    int code = WEXITSTATUS(st);
    if (code == 3)
      return "exit status 3 (fatal CUDA error, context unusable)";
    return "exit status " + std::to_string(code);
  }
  if (WIFSIGNALED(st))
    return "signal " + std::to_string(WTERMSIG(st)) + " (" + strsignal(WTERMSIG(st)) + ")";
  return "unknown status " + std::to_string(st);
}
} // namespace

bool secretsEqual(const std::string &a, const std::string &b) {
  // Every byte of the longer one is looked at, whatever matches: no early exit.
  size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  volatile unsigned char result = diff;
  return result == 0;
}

bool isLoopbackHost(const std::string &host, std::string &error) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), "0", &hints, &res);
  if (rc != 0) {
    error = gai_strerror(rc);
    return false;
  }
  bool all = res != nullptr;
  for (addrinfo *a = res; a; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      auto *in = reinterpret_cast<sockaddr_in *>(a->ai_addr);
      all &= (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (a->ai_family == AF_INET6) {
      auto *in6 = reinterpret_cast<sockaddr_in6 *>(a->ai_addr);
      bool v4loop = IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
      all &= IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) || v4loop;
    } else {
      all = false;
    }
  }
  ::freeaddrinfo(res);
  return all;
}

namespace {
// A client that leaves this much unread is dropped rather than buffered further.
constexpr size_t kMaxQueuedReplyBytes = 256u << 20;

// Closing a socket with unread input makes the kernel send RST, which can discard
// our last reply (say "unauthorized") before the client reads it. So: FIN first,
// then drain what the client still sends for a moment, then close.
void closeGracefully(int fd) {
  ::shutdown(fd, SHUT_WR);
  char buf[65536];
  size_t drained = 0;
  auto until = Clock::now() + std::chrono::milliseconds(200);
  while (drained < (4u << 20) && Clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0)
      break;
    drained += static_cast<size_t>(n);
  }
  ::close(fd);
}
} // namespace

void Supervisor::Client::send(const json &msg) {
  std::string line = msg.dump(-1, ' ', false, json::error_handler_t::replace);
  std::lock_guard<std::mutex> lk(mu);
  if (!open || closing)
    return;
  if (queuedBytes + line.size() > kMaxQueuedReplyBytes) {
    open = false; // it does not read its replies: stop serving it
    queue.clear();
    queuedBytes = 0;
    ::shutdown(fd, SHUT_RDWR);
    cv.notify_all();
    return;
  }
  queuedBytes += line.size();
  queue.push_back(std::move(line));
  cv.notify_all();
}

void Supervisor::Client::startWriter() {
  // The thread holds the client: a detached writer (stdout) never outlives it.
  writer = std::thread([this, self = shared_from_this()] {
    for (;;) {
      std::string line;
      {
        std::unique_lock<std::mutex> lk(mu);
        cv.wait(lk, [&] { return !queue.empty() || closing || !open; });
        if (!open || queue.empty())
          break; // closing with nothing left, or the peer is gone
        line = std::move(queue.front());
        queue.pop_front();
        queuedBytes -= line.size();
        writing = true;
      }
      bool ok = writeLine(fd, line);
      std::lock_guard<std::mutex> lk(mu);
      writing = false;
      cv.notify_all();
      if (!ok) {
        open = false;
        queue.clear();
        queuedBytes = 0;
        break;
      }
    }
    std::lock_guard<std::mutex> lk(mu);
    cv.notify_all();
  });
}

void Supervisor::Client::finish(int waitMs) {
  {
    std::unique_lock<std::mutex> lk(mu);
    closing = true;
    cv.notify_all();
    if (!cv.wait_for(lk, std::chrono::milliseconds(waitMs),
                     [&] { return (queue.empty() && !writing) || !open; })) {
      // The peer does not read: give up on it (a socket write then fails).
      open = false;
      queue.clear();
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  if (writer.joinable()) {
    if (fd > 2)
      writer.join();
    else
      writer.detach(); // stdout: a blocked write ends with the process
  }
}

Supervisor::Supervisor(SupervisorOptions opts) : opts_(std::move(opts)) { ignoreSigpipe(); }

json Supervisor::pingReply(const json &id) {
  std::lock_guard<std::mutex> lk(mu_);
  return {{"protocol", kProtocolVersion},
          {"id", id},
          {"op", "ping"},
          {"ok", true},
          {"worker", "pike-worker"},
          {"protocol_versions", {kProtocolVersion}},
          {"pid", static_cast<int>(::getpid())},
          {"child_pid", static_cast<int>(childPid_)},
          {"child_alive", childIn_ >= 0},
          {"restarts", restarts_},
          {"last_death", lastDeath_},
          {"in_flight", pending_.size()}};
}

void Supervisor::handleLine(const std::shared_ptr<Client> &c, const std::string &line) {
  if (line.find_first_not_of(" \t") == std::string::npos)
    return; // blank lines are keep-alives
  if (auto deep = checkJsonDepth(line, opts_.maxJsonDepth)) {
    c->send(errorReply(nullptr, "", "too_deep", "request refused: " + *deep));
    return;
  }
  json req;
  try {
    req = json::parse(line);
  } catch (const std::exception &e) {
    c->send(errorReply(nullptr, "", "parse_error", std::string("request is not valid JSON: ") + e.what()));
    return;
  }
  std::string code, op;
  if (req.is_object() && req.contains("op") && req["op"] == "auth") {
    // Authentication happens in serveClient before any other request; a repeat is harmless.
    c->send({{"protocol", kProtocolVersion}, {"id", req.value("id", json())}, {"op", "auth"}, {"ok", true}});
    return;
  }
  if (auto err = checkEnvelope(req, opts_.testOps, &code, &op)) {
    json id = req.is_object() ? req.value("id", json()) : json();
    c->send(errorReply(id, op, code, *err));
    return;
  }
  json id = req.value("id", json());
  if (op == "ping") {
    c->send(pingReply(id));
    return;
  }
  if (op == "shutdown") {
    c->send({{"protocol", kProtocolVersion}, {"id", id}, {"op", op}, {"ok", true}});
    requestShutdown();
    return;
  }
  std::lock_guard<std::mutex> lk(mu_);
  uint64_t internal = nextId_++;
  Pending p;
  p.client = c;
  ++c->inFlight;
  p.origId = id;
  p.op = op;
  req["id"] = internal;
  p.line = req.dump(-1, ' ', false, json::error_handler_t::replace);
  if (childIn_ >= 0) {
    writeLine(childIn_, p.line); // a failure shows up as the child's death
    p.sentGen = gen_;
  }
  pending_.emplace(internal, std::move(p));
}

void Supervisor::serveClient(std::shared_ptr<Client> c, int readFd, bool needAuth) {
  LineReader reader(readFd, opts_.maxLineBytes);
  auto authDeadline = Clock::now() + std::chrono::milliseconds(opts_.authTimeoutMs);
  auto refuse = [&](const std::string &why) {
    c->send(errorReply(nullptr, "", "unauthorized", why));
  };
  std::string line;
  for (;;) {
    auto r = reader.read(line, 200);
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (shuttingDown_)
        break;
    }
    {
      std::lock_guard<std::mutex> lk(c->mu);
      if (!c->open)
        break; // its writer gave up on it
    }
    if (r == LineReader::Result::Timeout) {
      if (needAuth && Clock::now() > authDeadline) {
        refuse("no authentication within " + std::to_string(opts_.authTimeoutMs) +
               " ms; the connection is closed");
        break;
      }
      continue;
    }
    if (r == LineReader::Result::TooLong) {
      c->send(errorReply(nullptr, "", "too_long", "request line longer than " +
                                                      std::to_string(opts_.maxLineBytes) +
                                                      " bytes (the worker's --max-request-bytes)"));
      if (needAuth)
        break;
      continue;
    }
    if (r != LineReader::Result::Line)
      break;
    if (needAuth) {
      if (line.find_first_not_of(" \t") == std::string::npos)
        continue;
      json req;
      bool parsed = !checkJsonDepth(line, opts_.maxJsonDepth);
      if (parsed) {
        try {
          req = json::parse(line);
        } catch (const std::exception &) {
          parsed = false;
        }
      }
      bool ok = parsed && req.is_object() && req.value("op", json()) == "auth" &&
                req.contains("token") && req["token"].is_string() &&
                secretsEqual(req["token"].get<std::string>(), opts_.token);
      if (!ok) {
        refuse("this worker requires authentication: the first message must be "
               "{\"protocol\":1,\"op\":\"auth\",\"token\":...} with the shared token "
               "(PIKE_WORKER_TOKEN or PIKE_WORKER_TOKEN_FILE on the client); the connection is closed");
        break;
      }
      needAuth = false;
      c->send({{"protocol", kProtocolVersion}, {"id", req.value("id", json())}, {"op", "auth"}, {"ok", true}});
      continue;
    }
    handleLine(c, line);
  }
}

bool Supervisor::spawnChild() {
  std::vector<std::string> argv = {opts_.childExe, "--child"};
  argv.insert(argv.end(), opts_.childArgs.begin(), opts_.childArgs.end());
  SpawnOptions so;
  // The evaluator must not outlive its supervisor (e.g. a client SIGKILLs us).
  // This runs on the manager thread, which lives as long as the process.
  so.dieWithParent = true;
  // Candidates run under the evaluator: no credentials in its environment.
  so.dropSecrets = true;
  std::string err;
  PipedProcess p = spawnPiped(argv, so, err);
  if (p.pid < 0) {
    std::cerr << "pike-worker: cannot start the evaluator: " << err << "\n";
    return false;
  }
  std::lock_guard<std::mutex> lk(mu_);
  if (shuttingDown_) {
    // Shutdown came while we spawned (e.g. stdin was already closed at start):
    // requestShutdown saw no child to stop, so stop this one here.
    ::kill(p.pid, SIGKILL);
    ::close(p.stdinFd);
    ::close(p.stdoutFd);
    while (::waitpid(p.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return false;
  }
  childPid_ = p.pid;
  childIn_ = p.stdinFd;
  childOutFd_ = p.stdoutFd;
  ++gen_;
  childStart_ = Clock::now();
  sendPendingLocked();
  return true;
}

void Supervisor::sendPendingLocked() {
  for (auto &kv : pending_) {
    Pending &p = kv.second;
    if (p.sentGen == gen_)
      continue;
    writeLine(childIn_, p.line);
    p.sentGen = gen_;
    p.running = false;
    p.timedOut = false;
  }
}

void Supervisor::replyLocked(Pending &p, json reply) {
  reply["protocol"] = kProtocolVersion;
  reply["id"] = p.origId;
  if (!reply.contains("op"))
    reply["op"] = p.op;
  p.client->send(reply);
  --p.client->inFlight;
  cv_.notify_all();
}

void Supervisor::onChildLine(const std::string &line) {
  json msg;
  if (auto deep = checkJsonDepth(line, opts_.maxJsonDepth)) {
    std::cerr << "pike-worker: ignoring evaluator output: " << *deep << "\n";
    return;
  }
  try {
    msg = json::parse(line);
  } catch (const std::exception &) {
    std::cerr << "pike-worker: ignoring unparsable evaluator output: " << line.substr(0, 200) << "\n";
    return;
  }
  if (!msg.is_object())
    return;
  std::lock_guard<std::mutex> lk(mu_);
  if (msg.contains("_running")) {
    if (!msg["_running"].is_number_unsigned())
      return;
    uint64_t id = msg["_running"].get<uint64_t>();
    auto it = pending_.find(id);
    if (it != pending_.end()) {
      int ms = msg.value("deadline_ms", opts_.defaultDeadlineMs);
      it->second.running = true;
      it->second.deadlineMs = ms;
      it->second.deadline = Clock::now() + std::chrono::milliseconds(ms);
    }
    return;
  }
  if (!msg.contains("id") || !msg["id"].is_number_unsigned())
    return;
  auto it = pending_.find(msg["id"].get<uint64_t>());
  if (it == pending_.end())
    return;
  replyLocked(it->second, std::move(msg));
  pending_.erase(it);
}

void Supervisor::onChildDeath(const std::string &reason) {
  std::lock_guard<std::mutex> lk(mu_);
  lastDeath_ = reason;
  for (auto it = pending_.begin(); it != pending_.end();) {
    Pending &p = it->second;
    if (p.sentGen != gen_ || shuttingDown_) {
      ++it;
      continue;
    }
    std::optional<json> reply;
    if (p.running && p.timedOut) {
      std::string msg = "deadline of " + std::to_string(p.deadlineMs) +
                        " ms exceeded in the GPU phase (hung or very slow kernel); the evaluator "
                        "process was killed and restarted";
      reply = errorReply(nullptr, p.op, "timeout", msg);
      if (opHasStatus(p.op)) {
        (*reply)["status"] = "timeout";
        (*reply)["log"] = msg;
        (*reply)["phase"] = "gpu";
      }
    } else if (p.running) {
      std::string msg = "the evaluator process died (" + reason +
                        ") while running this request; it was restarted";
      reply = errorReply(nullptr, p.op, "worker_died", msg);
      if (opHasStatus(p.op)) {
        (*reply)["status"] = "runtime_error";
        (*reply)["log"] = msg;
        (*reply)["phase"] = "gpu";
      }
    } else if (++p.resends > opts_.maxResends) {
      std::string msg = "the evaluator process died " + std::to_string(p.resends) +
                        " times while this request waited (last: " + reason + ")";
      reply = errorReply(nullptr, p.op, "worker_died", msg);
      if (opHasStatus(p.op)) {
        (*reply)["status"] = "runtime_error";
        (*reply)["log"] = msg;
      }
    } else {
      p.sentGen = 0; // innocent bystander: re-sent to the next child
    }
    if (reply) {
      replyLocked(p, *reply);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

void Supervisor::childManager() {
  int quickDeaths = 0;
  for (;;) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (shuttingDown_)
        return;
    }
    if (!spawnChild()) {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait_for(lk, std::chrono::seconds(1), [&] { return shuttingDown_; });
      continue;
    }
    int outFd;
    pid_t pid;
    {
      std::lock_guard<std::mutex> lk(mu_);
      outFd = childOutFd_;
      pid = childPid_;
    }
    LineReader reader(outFd, kMaxLineBytes);
    std::string line;
    bool answered = false;
    while (reader.next(line)) {
      answered = true;
      onChildLine(line);
    }
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    ::close(outFd);
    std::string reason = describeStatus(st);
    bool quick;
    {
      std::lock_guard<std::mutex> lk(mu_);
      ::close(childIn_);
      childIn_ = -1;
      childPid_ = -1;
      quick = !answered && Clock::now() - childStart_ < std::chrono::seconds(5);
      if (shuttingDown_)
        return;
      ++restarts_;
    }
    std::cerr << "pike-worker: evaluator (pid " << pid << ") ended: " << reason << "; restarting\n";
    onChildDeath(reason);
    quickDeaths = quick ? quickDeaths + 1 : 0;
    if (quickDeaths >= 3) {
      // It dies before answering anything: fail what waits rather than loop forever.
      std::lock_guard<std::mutex> lk(mu_);
      for (auto &kv : pending_) {
        std::string msg = "the evaluator process keeps dying at start (" + reason +
                          "); see the worker's stderr";
        json reply = errorReply(nullptr, kv.second.op, "worker_broken", msg);
        if (opHasStatus(kv.second.op)) {
          reply["status"] = "runtime_error";
          reply["log"] = msg;
        }
        replyLocked(kv.second, reply);
      }
      pending_.clear();
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  }
}

void Supervisor::watchdog() {
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard<std::mutex> lk(mu_);
    if (shuttingDown_)
      return;
    auto now = Clock::now();
    for (auto &kv : pending_) {
      Pending &p = kv.second;
      if (p.running && !p.timedOut && p.sentGen == gen_ && now > p.deadline) {
        p.timedOut = true;
        if (childPid_ > 0)
          ::kill(childPid_, SIGKILL);
      }
    }
  }
}

void Supervisor::requestShutdown() {
  std::lock_guard<std::mutex> lk(mu_);
  shuttingDown_ = true;
  if (childPid_ > 0 && childIn_ >= 0)
    ::kill(childPid_, SIGKILL);
  cv_.notify_all();
}

int Supervisor::runStdio() {
  std::thread manager(&Supervisor::childManager, this);
  std::thread dog(&Supervisor::watchdog, this);
  auto out = std::make_shared<Client>();
  out->fd = 1;
  out->startWriter();
  serveClient(out, 0, false);
  {
    // stdin closed: answer what is still in flight, then stop.
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return shuttingDown_ || pending_.empty(); });
  }
  requestShutdown();
  manager.join();
  dog.join();
  out->finish(5000);
  return 0;
}

int Supervisor::runTcp(const std::string &hostArg, int port, const std::string &portFile) {
  // No host means loopback only; anything reachable from elsewhere needs a token,
  // because a client can make this worker compile and run arbitrary code.
  std::string host = hostArg.empty() ? "127.0.0.1" : hostArg;
  std::string resolveErr;
  bool loopback = isLoopbackHost(host, resolveErr);
  if (!resolveErr.empty()) {
    std::cerr << "pike-worker: cannot resolve listen address " << host << ": " << resolveErr << "\n";
    return 2;
  }
  if (!loopback && opts_.token.empty()) {
    std::cerr << "pike-worker: refusing to listen on " << host
              << ", which is not a loopback address, without a shared token: anyone who can "
                 "reach the port could run code here. Set PIKE_WORKER_TOKEN or --token-file FILE "
                 "(clients send the same token), or listen on 127.0.0.1.\n";
    return 2;
  }
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), std::to_string(port).c_str(),
                         &hints, &res);
  if (rc != 0) {
    std::cerr << "pike-worker: cannot resolve listen address " << host << ": " << gai_strerror(rc) << "\n";
    return 2;
  }
  int ls = -1;
  std::string err = "no address";
  for (addrinfo *a = res; a && ls < 0; a = a->ai_next) {
    ls = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (ls < 0)
      continue;
    int one = 1;
    ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(ls, a->ai_addr, a->ai_addrlen) != 0 || ::listen(ls, 64) != 0) {
      err = std::strerror(errno);
      ::close(ls);
      ls = -1;
    }
  }
  ::freeaddrinfo(res);
  if (ls < 0) {
    std::cerr << "pike-worker: cannot listen on " << host << ":" << port << ": " << err << "\n";
    return 2;
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(ls, reinterpret_cast<sockaddr *>(&ss), &len);
  int bound = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
  std::cerr << "pike-worker: listening on " << host << ":" << bound
            << (opts_.token.empty() ? " (no authentication)" : " (clients must authenticate)") << "\n";
  if (!portFile.empty()) {
    std::string tmp = portFile + ".tmp";
    std::ofstream(tmp) << bound << "\n";
    std::rename(tmp.c_str(), portFile.c_str());
  }
  std::thread manager(&Supervisor::childManager, this);
  std::thread dog(&Supervisor::watchdog, this);
  // Joined before returning: they use this object (serveClient notices the
  // shutdown within its 200 ms poll).
  std::vector<std::pair<std::thread, std::shared_ptr<std::atomic<bool>>>> clients;
  for (;;) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (shuttingDown_)
        break;
    }
    for (auto it = clients.begin(); it != clients.end();) { // reap finished connections
      if (it->second->load()) {
        it->first.join();
        it = clients.erase(it);
      } else {
        ++it;
      }
    }
    pollfd p{ls, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0)
      continue;
    int fd = ::accept4(ls, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    if (clients.size() >= static_cast<size_t>(opts_.maxClients)) {
      // Answered on the accept thread: a short line fits the socket buffer.
      std::string msg = errorReply(nullptr, "", "too_many_clients",
                                   "the worker serves at most " + std::to_string(opts_.maxClients) +
                                       " connections at once")
                            .dump();
      msg.push_back('\n');
      ssize_t ignored = ::send(fd, msg.data(), msg.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      (void)ignored;
      ::close(fd);
      continue;
    }
    auto c = std::make_shared<Client>();
    c->fd = fd;
    auto done = std::make_shared<std::atomic<bool>>(false);
    bool needAuth = !opts_.token.empty();
    clients.emplace_back(std::thread([this, c, done, needAuth] {
                           c->startWriter();
                           serveClient(c, c->fd, needAuth);
                           {
                             // The client may have sent its last requests and closed its
                             // side: answer them before closing (or until shutdown).
                             std::unique_lock<std::mutex> lk(mu_);
                             cv_.wait(lk, [&] {
                               std::lock_guard<std::mutex> clk(c->mu);
                               return shuttingDown_ || c->inFlight.load() == 0 || !c->open;
                             });
                           }
                           c->finish(5000);
                           closeGracefully(c->fd);
                           *done = true;
                         }),
                         done);
  }
  ::close(ls);
  for (auto &t : clients)
    t.first.join();
  manager.join();
  dog.join();
  return 0;
}

} // namespace pike::worker
