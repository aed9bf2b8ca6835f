#include "pike/WorkerClient/Worker.h"

#include "pike/WorkerClient/LineIO.h"
#include "pike/WorkerClient/Process.h"
#include "pike/WorkerClient/Protocol.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <fcntl.h>
#include <iostream>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pike::worker {

using json = nlohmann::json;

// ---------------------------------------------------------------- connection

WorkerConnection::~WorkerConnection() {
  // Derived destructors call stop(); by now the reader must be gone.
  if (reader_.joinable())
    reader_.detach();
}

void WorkerConnection::start() {
  ignoreSigpipe();
  auto fds = open();
  std::lock_guard<std::mutex> lk(mu_);
  readFd_ = fds.first;
  writeFd_ = fds.second;
  up_ = true;
  downReason_.clear();
  notice_.clear();
  ++gen_;
  reader_ = std::thread(&WorkerConnection::readerLoop, this, readFd_, gen_);
}

void WorkerConnection::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!reader_.joinable())
      return;
  }
  closeTransport();
  reader_.join();
  release();
  std::lock_guard<std::mutex> lk(mu_);
  readFd_ = writeFd_ = -1;
}

void WorkerConnection::restart() {
  stop();
  start();
}

bool WorkerConnection::alive() const {
  std::lock_guard<std::mutex> lk(mu_);
  return up_;
}

int WorkerConnection::inFlight() const {
  std::lock_guard<std::mutex> lk(mu_);
  return static_cast<int>(pending_.size());
}

uint64_t WorkerConnection::generation() const {
  std::lock_guard<std::mutex> lk(mu_);
  return gen_;
}

void WorkerConnection::failAll(const std::string &why) {
  // mu_ held by the caller.
  for (auto &kv : pending_) {
    kv.second->done = true;
    kv.second->failed = true;
    kv.second->error = why;
  }
  pending_.clear();
  cv_.notify_all();
}

void WorkerConnection::readerLoop(int fd, uint64_t gen) {
  LineReader reader(fd, kMaxLineBytes);
  std::string line;
  while (reader.next(line)) {
    json msg;
    if (auto deep = checkJsonDepth(line)) { // a broken or hostile worker must not crash us
      std::cerr << "pike-worker client: " << describe() << ": reply ignored: " << *deep << "\n";
      continue;
    }
    try {
      msg = json::parse(line);
    } catch (const std::exception &e) {
      std::cerr << "pike-worker client: " << describe() << ": unparsable reply ignored: " << e.what()
                << "\n";
      continue;
    }
    if (msg.is_object() && msg.contains("error") && msg["error"].is_object() &&
        (!msg.contains("id") || msg["id"].is_null())) {
      // Not tied to a request (refused authentication, too many clients): keep it
      // as the reason if the worker then closes the link.
      std::lock_guard<std::mutex> lk(mu_);
      notice_ = msg["error"].value("code", "error") + ": " + msg["error"].value("message", "");
      continue;
    }
    if (!msg.is_object() || !msg.contains("id") || !msg["id"].is_string())
      continue; // not one of ours (ids we send are strings)
    std::lock_guard<std::mutex> lk(mu_);
    auto it = pending_.find(msg["id"].get<std::string>());
    if (it == pending_.end())
      continue; // caller gave up (timeout)
    it->second->reply = std::move(msg);
    it->second->done = true;
    pending_.erase(it);
    cv_.notify_all();
  }
  std::string why = deathReason();
  std::lock_guard<std::mutex> lk(mu_);
  if (gen_ != gen)
    return;
  up_ = false;
  if (!notice_.empty())
    why += " (it said " + notice_ + ")";
  downReason_ = why;
  failAll("worker " + describe() + " " + why);
}

json WorkerConnection::call(json request, std::chrono::milliseconds timeout) {
  auto slot = std::make_shared<Slot>();
  std::string id;
  int wfd;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!up_)
      throw WorkerError("worker " + describe() + " is down: " + downReason_);
    id = "c" + std::to_string(gen_) + "-" + std::to_string(++counter_);
    pending_[id] = slot;
    wfd = writeFd_;
  }
  request["protocol"] = kProtocolVersion;
  request["id"] = id;
  bool wrote;
  int writeErrno = 0;
  {
    std::lock_guard<std::mutex> lk(writeMu_);
    wrote = writeLine(wfd, request.dump());
    writeErrno = errno;
  }
  std::unique_lock<std::mutex> lk(mu_);
  if (!wrote && !slot->done) {
    // A worker that died before reading (e.g. exec failed) closes its pipes; the
    // reader then fails the pending calls with its exit status, a better reason
    // than EPIPE: wait a moment for it.
    cv_.wait_for(lk, std::chrono::seconds(2), [&] { return slot->done; });
    if (!slot->done) {
      pending_.erase(id);
      throw WorkerError("worker " + describe() + ": cannot send request: " + std::strerror(writeErrno));
    }
  }
  if (!cv_.wait_for(lk, timeout, [&] { return slot->done; })) {
    pending_.erase(id);
    throw WorkerError("worker " + describe() + ": no reply within " +
                      std::to_string(timeout.count()) + " ms");
  }
  if (slot->failed)
    throw WorkerError(slot->error);
  return std::move(slot->reply);
}

// ---------------------------------------------------------------- process

WorkerProcess::WorkerProcess(Options opts) : opts_(std::move(opts)) {}

WorkerProcess::~WorkerProcess() { stop(); }

std::string WorkerProcess::describe() const {
  std::lock_guard<std::mutex> lk(pidMu_);
  return opts_.executable + "[pid " + std::to_string(pid_) + "]";
}

pid_t WorkerProcess::pid() const {
  std::lock_guard<std::mutex> lk(pidMu_);
  return pid_;
}

std::pair<int, int> WorkerProcess::open() {
  std::vector<std::string> argv = {opts_.executable};
  argv.insert(argv.end(), opts_.args.begin(), opts_.args.end());
  SpawnOptions so;
  so.env = opts_.env;
  // The worker runs candidate code: it gets no API keys or tokens of ours.
  so.dropSecrets = true;
  if (!opts_.stderrPath.empty())
    so.stderrFd = ::open(opts_.stderrPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  std::string err;
  PipedProcess p = spawnPiped(argv, so, err);
  if (so.stderrFd >= 0)
    ::close(so.stderrFd);
  if (p.pid < 0)
    throw WorkerError("cannot start " + opts_.executable + ": " + err);
  std::lock_guard<std::mutex> lk(pidMu_);
  pid_ = p.pid;
  exitReason_.clear();
  inFd_ = p.stdinFd;
  outFd_ = p.stdoutFd;
  return {outFd_, inFd_};
}

std::string WorkerProcess::reap(bool wait) {
  std::lock_guard<std::mutex> lk(pidMu_);
  if (!exitReason_.empty() || pid_ <= 0)
    return exitReason_;
  // The pipe closes a moment before the process is reapable.
  for (int i = 0; i < (wait ? 400 : 1); ++i) {
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      if (WIFEXITED(st))
        exitReason_ = "exited with status " + std::to_string(WEXITSTATUS(st));
      else if (WIFSIGNALED(st))
        exitReason_ = std::string("was killed by signal ") + std::to_string(WTERMSIG(st)) + " (" +
                      strsignal(WTERMSIG(st)) + ")";
      return exitReason_;
    }
    if (r < 0)
      return exitReason_ = "is gone";
    if (wait)
      ::usleep(5000);
  }
  return "closed its output";
}

void WorkerProcess::closeTransport() {
  pid_t p;
  {
    std::lock_guard<std::mutex> lk(pidMu_);
    p = pid_;
    if (inFd_ >= 0) {
      ::close(inFd_);
      inFd_ = -1;
    }
  }
  if (p > 0 && reap(false) == "closed its output")
    ::kill(p, SIGKILL);
}

std::string WorkerProcess::deathReason() { return reap(true); }

void WorkerProcess::release() {
  {
    std::lock_guard<std::mutex> lk(pidMu_);
    if (pid_ > 0 && exitReason_.empty())
      ::kill(pid_, SIGKILL);
  }
  reap(true);
  std::lock_guard<std::mutex> lk(pidMu_);
  if (pid_ > 0 && exitReason_.empty()) { // still not reaped: block
    int st;
    ::waitpid(pid_, &st, 0);
  }
  if (outFd_ >= 0)
    ::close(outFd_);
  if (inFd_ >= 0)
    ::close(inFd_);
  outFd_ = inFd_ = -1;
}

// ---------------------------------------------------------------- remote

std::string workerTokenFromEnvironment() {
  if (const char *t = std::getenv("PIKE_WORKER_TOKEN"); t && *t)
    return t;
  const char *file = std::getenv("PIKE_WORKER_TOKEN_FILE");
  if (!file || !*file)
    return "";
  std::ifstream f(file);
  if (!f)
    throw WorkerError(std::string("cannot read PIKE_WORKER_TOKEN_FILE ") + file + ": " +
                      std::strerror(errno));
  std::string token;
  std::getline(f, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ' || token.back() == '\t'))
    token.pop_back();
  return token;
}

RemoteWorker::RemoteWorker(std::string host, int port, std::chrono::milliseconds connectTimeout)
    : RemoteWorker(std::move(host), port, workerTokenFromEnvironment(), connectTimeout) {}

RemoteWorker::RemoteWorker(std::string host, int port, std::string token,
                           std::chrono::milliseconds connectTimeout)
    : host_(std::move(host)), port_(port), token_(std::move(token)), connectTimeout_(connectTimeout) {}

void RemoteWorker::authenticate(int s) {
  json req = {{"protocol", kProtocolVersion}, {"op", "auth"}, {"id", "auth"}, {"token", token_}};
  if (!writeLine(s, req.dump()))
    throw WorkerError("worker " + describe() + ": cannot send authentication: " + std::strerror(errno));
  // Byte by byte up to the newline: nothing after the reply may be consumed here,
  // the reader thread owns the stream from then on.
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + connectTimeout_;
  while (line.size() < 65536) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
    pollfd p{s, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, left) <= 0)
      throw WorkerError("worker " + describe() + ": no answer to authentication within " +
                        std::to_string(connectTimeout_.count()) + " ms");
    char ch;
    ssize_t n = ::read(s, &ch, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      throw WorkerError("worker " + describe() + " closed the connection during authentication");
    if (ch == '\n')
      break;
    line.push_back(ch);
  }
  json reply;
  try {
    reply = json::parse(line);
  } catch (const std::exception &) {
    throw WorkerError("worker " + describe() + ": unreadable answer to authentication");
  }
  if (!reply.is_object() || reply.value("ok", false) != true) {
    std::string why = reply.is_object() && reply.contains("error") && reply["error"].is_object()
                          ? reply["error"].value("message", "refused")
                          : "refused";
    throw WorkerError("worker " + describe() + " refused authentication: " + why);
  }
}

RemoteWorker::~RemoteWorker() { stop(); }

std::string RemoteWorker::describe() const { return host_ + ":" + std::to_string(port_); }

std::pair<std::string, int> RemoteWorker::parseAddress(const std::string &addr) {
  auto colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == addr.size())
    throw std::invalid_argument("worker address '" + addr + "' is not HOST:PORT");
  int port;
  try {
    size_t used = 0;
    port = std::stoi(addr.substr(colon + 1), &used);
    if (used != addr.size() - colon - 1 || port <= 0 || port > 65535)
      throw std::invalid_argument("port");
  } catch (const std::exception &) {
    throw std::invalid_argument("worker address '" + addr + "' has a bad port");
  }
  return {addr.substr(0, colon), port};
}

std::pair<int, int> RemoteWorker::open() {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = ::getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &res);
  if (rc != 0)
    throw WorkerError("worker " + describe() + ": cannot resolve host: " + gai_strerror(rc));
  std::string lastErr = "no address";
  int s = -1;
  for (addrinfo *a = res; a; a = a->ai_next) {
    s = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (s < 0)
      continue;
    int r = ::connect(s, a->ai_addr, a->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      pollfd p{s, POLLOUT, 0};
      r = ::poll(&p, 1, static_cast<int>(connectTimeout_.count()));
      int err = 0;
      socklen_t len = sizeof err;
      if (r == 1 && ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
        r = 0;
      else {
        errno = r == 0 ? ETIMEDOUT : (err ? err : errno);
        r = -1;
      }
    }
    if (r == 0)
      break;
    lastErr = std::strerror(errno);
    ::close(s);
    s = -1;
  }
  ::freeaddrinfo(res);
  if (s < 0)
    throw WorkerError("worker " + describe() + ": cannot connect: " + lastErr);
  int flags = ::fcntl(s, F_GETFL);
  ::fcntl(s, F_SETFL, flags & ~O_NONBLOCK);
  int one = 1;
  ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  if (!token_.empty()) {
    try {
      authenticate(s);
    } catch (...) {
      ::close(s);
      throw;
    }
  }
  sock_ = s;
  sock2_ = ::dup(s);
  return {sock_, sock2_};
}

void RemoteWorker::closeTransport() {
  if (sock_ >= 0)
    ::shutdown(sock_, SHUT_RDWR);
}

std::string RemoteWorker::deathReason() { return "closed the connection"; }

void RemoteWorker::release() {
  if (sock_ >= 0)
    ::close(sock_);
  if (sock2_ >= 0)
    ::close(sock2_);
  sock_ = sock2_ = -1;
}

// ---------------------------------------------------------------- pool

WorkerPool::~WorkerPool() {
  for (auto &e : workers_)
    e->conn->stop();
}

void WorkerPool::add(std::unique_ptr<WorkerConnection> w) {
  auto e = std::make_unique<Entry>();
  e->conn = std::move(w);
  workers_.push_back(std::move(e));
}

void WorkerPool::startAll() {
  for (auto &e : workers_) {
    try {
      if (!e->conn->alive())
        e->conn->start();
    } catch (const WorkerError &err) {
      std::cerr << "pike-worker pool: " << err.what() << " (retried on use)\n";
    }
  }
}

WorkerPool::Entry *WorkerPool::pick() {
  if (workers_.empty())
    return nullptr;
  size_t n = workers_.size();
  size_t start = rr_.fetch_add(1) % n;
  Entry *best = nullptr;
  int bestLoad = 0;
  for (size_t k = 0; k < n; ++k) {
    Entry *e = workers_[(start + k) % n].get();
    if (!e->conn->alive())
      continue;
    int load = e->conn->inFlight();
    if (!best || load < bestLoad) {
      best = e;
      bestLoad = load;
    }
  }
  if (best)
    return best;
  // None alive: bring one back (rate limited per worker).
  Entry *e = workers_[start].get();
  restartIfSame(*e, e->conn->generation());
  return e;
}

void WorkerPool::restartIfSame(Entry &e, uint64_t gen) {
  std::lock_guard<std::mutex> lk(e.restartMu);
  if (e.conn->generation() != gen && e.conn->alive())
    return; // somebody else already restarted it
  auto now = std::chrono::steady_clock::now();
  if (now - e.lastRestart < std::chrono::milliseconds(500))
    std::this_thread::sleep_for(std::chrono::milliseconds(500) - (now - e.lastRestart));
  e.lastRestart = std::chrono::steady_clock::now();
  try {
    e.conn->restart();
    ++restarts_;
  } catch (const WorkerError &err) {
    std::cerr << "pike-worker pool: restart failed: " << err.what() << "\n";
  }
}

json WorkerPool::call(const json &request, std::chrono::milliseconds timeout) {
  std::string op = request.value("op", "");
  Entry *e = pick();
  if (!e)
    return errorReply(request.value("id", json()), op, "no_worker", "the worker pool is empty");
  uint64_t gen = e->conn->generation();
  std::string failure;
  try {
    return e->conn->call(request, timeout);
  } catch (const WorkerError &err) {
    failure = err.what();
  }
  restartIfSame(*e, gen);
  json r = errorReply(request.value("id", json()), op, "worker_failed", failure);
  if (opHasStatus(op)) {
    r["status"] = "runtime_error";
    r["log"] = failure + "; the worker was restarted";
  }
  return r;
}

std::unique_ptr<WorkerPool> WorkerPool::local(const WorkerProcess::Options &base,
                                              const std::vector<int> &gpus, int perGpu) {
  auto pool = std::make_unique<WorkerPool>();
  const char *visible = std::getenv("CUDA_VISIBLE_DEVICES");
  for (int g : gpus)
    for (int k = 0; k < perGpu; ++k) {
      WorkerProcess::Options o = base;
      o.env.emplace_back("CUDA_VISIBLE_DEVICES", visibleDeviceFor(g, visible));
      pool->add(std::make_unique<WorkerProcess>(o));
    }
  pool->startAll();
  return pool;
}

std::string WorkerPool::visibleDeviceFor(int gpu, const char *visible) {
  if (gpu < 0)
    throw std::invalid_argument("negative GPU index " + std::to_string(gpu));
  if (!visible || !*visible)
    return std::to_string(gpu);
  std::vector<std::string> entries;
  std::string item;
  for (const char *c = visible;; ++c) {
    if (*c == ',' || *c == 0) {
      if (!item.empty())
        entries.push_back(item);
      item.clear();
      if (*c == 0)
        break;
    } else if (*c != ' ') {
      item += *c;
    }
  }
  if (static_cast<size_t>(gpu) >= entries.size())
    throw std::invalid_argument("GPU index " + std::to_string(gpu) +
                                " is not in CUDA_VISIBLE_DEVICES=" + visible);
  return entries[gpu];
}

void WorkerPool::parseLocalSpec(const std::string &spec, int &perGpu, std::vector<int> &gpus) {
  auto bad = [&](const std::string &why) {
    return std::invalid_argument("bad local worker spec '" + spec + "': " + why +
                                 " (expected local:N or local:N@GPU,GPU,...)");
  };
  auto parseCount = [&](const std::string &text, const char *what) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
        text.size() > 6)
      throw bad(std::string(what) + " '" + text + "' is not a number");
    return std::stoi(text);
  };
  if (spec.rfind("local:", 0) != 0)
    throw bad("it does not start with local:");
  std::string rest = spec.substr(6);
  size_t at = rest.find('@');
  perGpu = parseCount(rest.substr(0, at), "worker count");
  if (perGpu < 1)
    throw bad("needs at least one worker per GPU");
  gpus.clear();
  if (at == std::string::npos) {
    gpus.push_back(0);
    return;
  }
  std::string list = rest.substr(at + 1);
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    int g = parseCount(list.substr(start, comma - start), "GPU index");
    if (std::find(gpus.begin(), gpus.end(), g) != gpus.end())
      throw bad("GPU " + std::to_string(g) + " is listed twice");
    gpus.push_back(g);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
}

std::unique_ptr<WorkerPool> WorkerPool::remote(const std::vector<std::string> &addresses) {
  auto pool = std::make_unique<WorkerPool>();
  for (const auto &a : addresses) {
    auto hp = RemoteWorker::parseAddress(a);
    pool->add(std::make_unique<RemoteWorker>(hp.first, hp.second));
  }
  pool->startAll();
  return pool;
}

} // namespace pike::worker
