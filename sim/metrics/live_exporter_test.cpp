#include "metrics/live_exporter.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace payquake::metrics {
namespace {

TEST(ListenAddress, LoopbackOnlyUnlessAllowed) {
  EXPECT_EQ(check_listen_address("127.0.0.1:9464", false), "");
  EXPECT_EQ(check_listen_address("127.1.2.3:1", false), "");
  EXPECT_EQ(check_listen_address("localhost:9464", false), "");
  EXPECT_EQ(check_listen_address("[::1]:9464", false), "");
  EXPECT_NE(check_listen_address("0.0.0.0:9464", false).find("--allow-remote"), std::string::npos);
  EXPECT_NE(check_listen_address("10.1.2.3:9464", false).find("not a loopback"), std::string::npos);
  EXPECT_NE(check_listen_address("[::]:9464", false).find("--allow-remote"), std::string::npos);
  EXPECT_EQ(check_listen_address("0.0.0.0:9464", true), "");
  EXPECT_NE(check_listen_address("127.0.0.1", false).find("HOST:PORT"), std::string::npos);
  EXPECT_NE(check_listen_address("127.0.0.1:0", false).find("port"), std::string::npos);
  EXPECT_NE(check_listen_address("127.0.0.1:70000", false).find("port"), std::string::npos);
  EXPECT_NE(check_listen_address("127.0.0.1:9x", false).find("port"), std::string::npos);
  EXPECT_NE(check_listen_address("example.com:80", false).find("IP address"), std::string::npos);
}

// GET /metrics from the exposer (plain socket, HTTP/1.0).
std::string scrape(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  const std::string req = "GET /metrics HTTP/1.0\r\n\r\n";
  EXPECT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(LiveExporter, ServesTheClosedWindowsUnderTheOpenMetricsNames) {
  core::Scenario s;
  s.name = "live";
  s.duration_s = 3;
  s.window_s = 1;
  s.slo.window_s = 1;
  core::Node n;
  n.id = "iss";
  n.workers = 1;
  s.nodes.push_back(n);
  core::Fault f;
  f.kind = core::Fault::Kind::kCrash;
  f.target = "iss";
  f.at_s = 1;
  f.duration_s = 1;
  s.faults.push_back(f);
  RunMetrics m(s);
  const int port = free_port();
  LiveExporter live("127.0.0.1:" + std::to_string(port), s, "live-1");
  core::Payment p;
  p.intended_arrival_s = 0.1;
  m.on_arrival(p, 0.1);  // answered 0.4 s later
  m.on_final(p, core::Outcome::kApproved, core::ResponseCode::kApproved, 0.5);
  m.on_clock(1.2);  // closes [0, 1)
  live.publish(m, 1.2);
  const std::string text = scrape(port);
  EXPECT_NE(text.find("payquake_arrivals_total{run=\"live-1\",scenario=\"live\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("payquake_payments_total{run=\"live-1\",scenario=\"live\",code=\"00\",outcome=\"approved\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("payquake_payment_duration_seconds_bucket{run=\"live-1\",scenario=\"live\",le=\"0.3\"} 0"),
            std::string::npos) << text;
  EXPECT_NE(text.find("payquake_payment_duration_seconds_bucket{run=\"live-1\",scenario=\"live\",le=\"0.5\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("payquake_fault_active{run=\"live-1\",scenario=\"live\",kind=\"crash\",target=\"iss\"} 1"),
            std::string::npos) << text;
  // Publishing again without a new window changes no counter.
  live.publish(m, 2.5);
  const std::string again = scrape(port);
  EXPECT_NE(again.find("payquake_arrivals_total{run=\"live-1\",scenario=\"live\"} 1"), std::string::npos);
  EXPECT_NE(again.find("payquake_fault_active{run=\"live-1\",scenario=\"live\",kind=\"crash\",target=\"iss\"} 0"),
            std::string::npos) << again;
  // The port is taken now: a second exporter says so.
  EXPECT_THROW(LiveExporter("127.0.0.1:" + std::to_string(port), s, "x"), std::runtime_error);
}

TEST(LiveExporter, FraudCountersFollowTheRunEvenForWindowsAlreadyPublished) {
  core::Scenario s;
  s.name = "live";
  s.duration_s = 3;
  s.window_s = 1;
  s.slo.window_s = 1;
  core::Node n;
  n.id = "gw";
  n.workers = 1;
  s.nodes.push_back(n);
  RunMetrics m(s);
  const int port = free_port();
  LiveExporter live("127.0.0.1:" + std::to_string(port), s, "live-1");
  core::Payment p;
  p.id = 1;
  p.intended_arrival_s = 0.5;
  p.fraud = true;
  p.amount = core::Money{1234};
  m.on_arrival(p, 0.5);
  m.on_clock(1.2);  // closes [0, 1) before the fraud is answered
  live.publish(m, 1.2);
  const std::string before = scrape(port);
  const std::string approved =
      "payquake_fraud_payments_total{run=\"live-1\",scenario=\"live\",result=\"approved\"} ";
  EXPECT_NE(before.find(approved + "0"), std::string::npos) << before;
  m.on_final(p, core::Outcome::kApproved, core::ResponseCode::kApproved, 1.5);
  core::ReconciledPayment r;
  r.outcome = core::Outcome::kApproved;
  r.standing_charges = 1;
  m.on_reconciled(p, r, 1.5);
  live.publish(m, 1.6);
  live.publish(m, 1.7);  // again: nothing counted twice
  const std::string after = scrape(port);
  EXPECT_NE(after.find(approved + "1"), std::string::npos) << after;
  EXPECT_NE(after.find("payquake_fraud_loss_total{run=\"live-1\",scenario=\"live\"} 12.34"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find("payquake_false_declines_total{run=\"live-1\",scenario=\"live\"} 0"),
            std::string::npos)
      << after;
}

}  // namespace
}  // namespace payquake::metrics
