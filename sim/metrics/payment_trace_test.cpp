#include "metrics/payment_trace.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace payquake::metrics {
namespace {

core::Scenario two_nodes() {
  core::Scenario s;
  s.nodes.resize(2);
  s.nodes[0].id = "gw";
  s.nodes[1].id = "iss";
  return s;
}

core::Payment payment(std::uint64_t id) {
  core::Payment p;
  p.id = id;
  p.issuer = 1;
  p.amount = core::Money{1250};
  p.intended_arrival_s = 1.0;
  return p;
}

TEST(PaymentTrace, OnlyEveryNthPaymentIsTraced) {
  std::ostringstream out;
  PaymentTrace trace(two_nodes(), 3, out);
  for (std::uint64_t id = 0; id < 7; ++id) trace.on_arrival(payment(id), 1.0);
  const std::string text = out.str();
  EXPECT_NE(text.find("\"payment\":0,"), std::string::npos);
  EXPECT_NE(text.find("\"payment\":3,"), std::string::npos);
  EXPECT_NE(text.find("\"payment\":6,"), std::string::npos);
  EXPECT_EQ(text.find("\"payment\":1,"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

TEST(PaymentTrace, EachEventIsOneJsonLineWithItsTimeAndStation) {
  std::ostringstream out;
  PaymentTrace trace(two_nodes(), 1, out);
  const core::Payment p = payment(0);
  trace.on_arrival(p, 1.0);
  trace.on_sent({core::kPayerNode, 0}, core::Message::kAuthorization, core::SendReason::kFirst, p,
                1.0);
  trace.on_service_start({1, 2}, p, 1.25, 0.5, 0.01);
  trace.on_timeout({0, 0}, p, 5.0);
  trace.on_final(p, core::Outcome::kFailed, core::ResponseCode::kIssuerInoperative, 5.0);
  core::ReconciledPayment r;
  r.standing_charges = 2;
  r.duplicate = true;
  r.cause = core::DuplicateCause::kGatewayRetry;
  trace.on_reconciled(p, r, 9.5);
  EXPECT_EQ(out.str(),
            "{\"t\":1,\"payment\":0,\"event\":\"arrival\",\"card\":0,\"population\":0,"
            "\"issuer\":\"iss\",\"amount\":\"12.50\"}\n"
            "{\"t\":1,\"payment\":0,\"event\":\"sent\",\"node\":\"payer\",\"message\":\"0100\","
            "\"why\":\"first\"}\n"
            "{\"t\":1.25,\"payment\":0,\"event\":\"service\",\"node\":\"iss\",\"replica\":2,"
            "\"queue_wait_seconds\":0.5,\"service_seconds\":0.01}\n"
            "{\"t\":5,\"payment\":0,\"event\":\"timeout\",\"node\":\"gw\",\"replica\":0}\n"
            "{\"t\":5,\"payment\":0,\"event\":\"final\",\"outcome\":\"failed\",\"code\":\"91\","
            "\"latency_seconds\":4}\n"
            "{\"t\":9.5,\"payment\":0,\"event\":\"reconciled\",\"standing_charges\":2,"
            "\"duplicate\":true,\"cause\":\"gateway_retry\",\"in_doubt\":false}\n");
}

TEST(PaymentTrace, AnAttacksPaymentNamesItsAttackAndAReplayItsOriginal) {
  core::Scenario s = two_nodes();
  s.attacks.resize(2);
  s.attacks[0].id = "ct";
  s.attacks[1].id = "rp";
  std::ostringstream out;
  PaymentTrace trace(s, 1, out);
  core::Payment p = payment(7);
  p.population = 3;  // two populations of payers, then the attacks: rp is the second
  p.attack = 1;
  p.replay_of = 5;  // 1 + the original's id
  trace.on_arrival(p, 1.0);
  trace.on_arrival(payment(8), 1.0);
  EXPECT_EQ(out.str(),
            "{\"t\":1,\"payment\":7,\"event\":\"arrival\",\"card\":0,\"population\":3,"
            "\"issuer\":\"iss\",\"amount\":\"12.50\",\"attack\":\"rp\",\"replay_of\":4}\n"
            "{\"t\":1,\"payment\":8,\"event\":\"arrival\",\"card\":0,\"population\":0,"
            "\"issuer\":\"iss\",\"amount\":\"12.50\"}\n");
}

TEST(PaymentTrace, ASignatureCheckSaysWhatItFoundAndWhetherItRefused) {
  std::ostringstream out;
  PaymentTrace trace(two_nodes(), 1, out);
  trace.on_signature({0, 1}, payment(3), core::SignatureResult::kNonceSeen, true, 2.5);
  trace.on_signature({0, 0}, payment(4), core::SignatureResult::kStoreUnavailable, false, 3.0);
  EXPECT_EQ(out.str(),
            "{\"t\":2.5,\"payment\":3,\"event\":\"signature\",\"node\":\"gw\",\"replica\":1,"
            "\"result\":\"nonce_seen\",\"refused\":true}\n"
            "{\"t\":3,\"payment\":4,\"event\":\"signature\",\"node\":\"gw\",\"replica\":0,"
            "\"result\":\"store_unavailable\",\"refused\":false}\n");
}

}  // namespace
}  // namespace payquake::metrics
