// payments::Issuer on its own: the issuer's decision on authorizations, reversals and
// advices against a card's account, and the network's stand-in, without a flow. Balances
// and amounts are constants, so each figure follows from the configuration.
#include "payments/issuer.hpp"

#include <gtest/gtest.h>

#include "payments/flow_internal.hpp"

namespace payquake::payments {
namespace {

using core::Message;
using core::ResponseCode;

// Node 0 the network (stand-in up to 200.00), node 1 the issuer: every card opens with
// 100.00 and every hold is captured after an hour.
core::Scenario scenario(bool accounts = true) {
  core::Scenario s;
  s.seed = 7;
  core::Node net;
  net.id = "net";
  net.role = core::Role::kNetwork;
  net.stand_in.enabled = true;
  net.stand_in.max_amount = core::money_from_major(200.0);
  core::Node iss;
  iss.id = "iss";
  iss.role = core::Role::kIssuer;
  iss.accounts.enabled = accounts;
  iss.accounts.balance = core::Distribution::constant(100.0);
  iss.accounts.capture.share = 1.0;
  iss.accounts.capture.after = core::Distribution::constant(3600.0);
  s.nodes = {net, iss};
  core::Payers p;
  p.id = "p";
  s.payers = {p};
  return s;
}

constexpr std::uint32_t kIssuerNode = 1;

Path path_of(std::initializer_list<std::uint64_t> ids) {
  Path p;
  for (const std::uint64_t id : ids) p.ids[p.length++] = id;
  return p;
}

Issuer::Request authorization(Path path) {
  Issuer::Request r;
  r.path = path;
  r.key = 42;
  r.try_kind = TryKind::kClientRetry;
  return r;
}

Issuer::Request concerning(Message m, std::uint64_t target_id, std::uint8_t target_depth) {
  Issuer::Request r;
  r.message = m;
  r.target_id = target_id;
  r.target_depth = target_depth;
  return r;
}

struct Fixture {
  explicit Fixture(bool with_accounts = true)
      : s(scenario(with_accounts)), draws(s), issuer(accounts, draws) {
    payment.card = 5;
    payment.issuer = kIssuerNode;
    payment.amount = core::money_from_major(30.0);
  }
  ResponseCode decide(const Issuer::Request& r, double t = 1.0) {
    return issuer.decide(kIssuerNode, s.nodes[kIssuerNode], payment, ledger, r, t);
  }
  ResponseCode stand_in(const Issuer::Request& r, double t = 1.0) {
    return Issuer::stand_in(s.nodes[0], payment, ledger, r, t);
  }
  std::int64_t available() {
    return accounts.get(flow_internal::card_key(payment), core::Money{0}).available;
  }
  core::Scenario s;
  PaymentDraws draws;
  Accounts accounts;
  Issuer issuer;
  core::Payment payment;
  PaymentLedger ledger;
};

const Path kIssuerPath = path_of({1, 2, 3, 4});  // payer, gw, acq, net -> iss
const Path kNetworkPath = path_of({1, 2, 3});    // the request the network stood in for

TEST(Issuer, ApprovesAndHoldsTheAmount) {
  Fixture f;
  EXPECT_EQ(f.decide(authorization(kIssuerPath), 2.0), ResponseCode::kApproved);
  ASSERT_EQ(f.ledger.charges.size(), 1u);
  const Charge& c = f.ledger.charges[0];
  EXPECT_TRUE(c.applied);
  EXPECT_FALSE(c.stand_in);
  EXPECT_EQ(c.key, 42u);
  EXPECT_EQ(c.try_kind, TryKind::kClientRetry);
  EXPECT_EQ(c.approved_s, 2.0);
  EXPECT_TRUE(c.hold.captures);
  EXPECT_EQ(c.hold.due_s, 2.0 + 3600.0);  // the capture delay is a constant hour
  EXPECT_EQ(f.available(), 7000);         // 100.00 - 30.00, minor units
  EXPECT_EQ(f.accounts.opening_total(), 10000);
}

TEST(Issuer, Declines51WhenTheAccountLacksTheAmount) {
  Fixture f;
  f.payment.amount = core::money_from_major(100.01);
  EXPECT_EQ(f.decide(authorization(kIssuerPath)), ResponseCode::kInsufficientFunds);
  EXPECT_TRUE(f.ledger.charges.empty());
  EXPECT_EQ(f.available(), 10000);
  // Three approvals of 30.00 leave 10.00: the fourth is declined.
  f.payment.amount = core::money_from_major(30.0);
  for (std::uint64_t i = 0; i < 3; ++i)
    EXPECT_EQ(f.decide(authorization(path_of({10 + i, 2, 3, 4}))), ResponseCode::kApproved);
  EXPECT_EQ(f.decide(authorization(path_of({20, 2, 3, 4}))), ResponseCode::kInsufficientFunds);
  EXPECT_EQ(f.available(), 1000);
}

TEST(Issuer, WithoutAccountsApprovesAnyAmountAndHoldsNothing) {
  Fixture f(false);
  f.payment.amount = core::money_from_major(1e6);
  EXPECT_EQ(f.decide(authorization(kIssuerPath)), ResponseCode::kApproved);
  ASSERT_EQ(f.ledger.charges.size(), 1u);
  EXPECT_FALSE(f.ledger.charges[0].applied);
  EXPECT_EQ(f.accounts.size(), 0u);
}

TEST(Issuer, AReversalReleasesTheHoldEvenWhenItOvertookTheAuthorization) {
  Fixture f;
  f.decide(authorization(kIssuerPath));
  EXPECT_EQ(f.decide(concerning(Message::kReversal, 2, 1)), ResponseCode::kApproved);
  EXPECT_TRUE(f.ledger.charges[0].reversed);
  EXPECT_EQ(f.available(), 10000);
  // A reversal of another request arrives before it: approved, then released at once.
  EXPECT_EQ(f.decide(concerning(Message::kReversal, 7, 1)), ResponseCode::kApproved);
  f.decide(authorization(path_of({6, 7, 8, 9})));
  ASSERT_EQ(f.ledger.charges.size(), 2u);
  EXPECT_TRUE(f.ledger.charges[1].reversed);
  EXPECT_EQ(f.available(), 10000);
  EXPECT_EQ(reconcile(f.ledger).standing, 0);
}

TEST(Issuer, StandInApprovesUpToMaxAmountAndDeclines05Above) {
  Fixture f;
  f.payment.amount = core::money_from_major(200.01);
  EXPECT_EQ(f.stand_in(authorization(kNetworkPath)), ResponseCode::kDoNotHonour);
  EXPECT_TRUE(f.ledger.charges.empty());
  f.payment.amount = core::money_from_major(200.0);
  EXPECT_EQ(f.stand_in(authorization(kNetworkPath)), ResponseCode::kApproved);
  ASSERT_EQ(f.ledger.charges.size(), 1u);
  EXPECT_TRUE(f.ledger.charges[0].stand_in);
  EXPECT_FALSE(f.ledger.charges[0].merged);
  EXPECT_FALSE(f.ledger.charges[0].applied);  // the issuer's account knows nothing yet
  EXPECT_EQ(f.accounts.size(), 0u);
}

TEST(Issuer, AnAdviceBooksTheStandInWithoutAFundsCheck) {
  Fixture f;
  f.payment.amount = core::money_from_major(150.0);  // more than the card's 100.00
  f.stand_in(authorization(kNetworkPath));
  EXPECT_EQ(f.decide(concerning(Message::kAdvice, 3, 2)), ResponseCode::kApproved);
  EXPECT_TRUE(f.ledger.charges[0].booked);
  EXPECT_TRUE(f.ledger.charges[0].applied);
  EXPECT_EQ(f.available(), -5000);
  // The same advice delivered twice holds once.
  f.decide(concerning(Message::kAdvice, 3, 2));
  EXPECT_EQ(f.available(), -5000);
}

TEST(Issuer, AnAdviceMergedWithTheIssuersOwnApprovalHoldsOnce) {
  Fixture f;
  // The issuer approved, its answer timed out at the network, which stood in: one
  // transaction, so the stand-in is merged and its advice holds nothing more.
  f.decide(authorization(kIssuerPath));
  EXPECT_EQ(f.stand_in(authorization(kNetworkPath)), ResponseCode::kApproved);
  ASSERT_EQ(f.ledger.charges.size(), 2u);
  EXPECT_TRUE(f.ledger.charges[1].merged);
  f.decide(concerning(Message::kAdvice, 3, 2));
  EXPECT_EQ(f.available(), 7000);
  EXPECT_EQ(reconcile(f.ledger).standing, 1);
  EXPECT_FALSE(reconcile(f.ledger).duplicate);
}

TEST(Issuer, TheIssuerBooksAStandInItFindsRatherThanASecondCharge) {
  Fixture f;
  // The network stood in first; the issuer's own request arrives late: it books that
  // charge, and the advice after it holds nothing more.
  f.stand_in(authorization(kNetworkPath));
  EXPECT_EQ(f.decide(authorization(kIssuerPath)), ResponseCode::kApproved);
  ASSERT_EQ(f.ledger.charges.size(), 1u);
  EXPECT_TRUE(f.ledger.charges[0].booked);
  EXPECT_EQ(f.available(), 7000);
  f.decide(concerning(Message::kAdvice, 3, 2));
  EXPECT_EQ(f.available(), 7000);
  EXPECT_EQ(reconcile(f.ledger).standing, 1);
}

}  // namespace
}  // namespace payquake::payments

namespace payquake::payments {
namespace {

TEST(Issuer, ANumberItNeverIssuedIsAnswered14AndOpensNoAccount) {
  Fixture f;
  f.payment.card_exists = false;
  EXPECT_EQ(f.decide(authorization(kIssuerPath)), ResponseCode::kInvalidCard);
  EXPECT_TRUE(f.ledger.charges.empty());
  EXPECT_EQ(f.accounts.size(), 0u);
  EXPECT_EQ(f.accounts.opening_total(), 0);
  // The same number, had it existed: approved.
  f.payment.card_exists = true;
  EXPECT_EQ(f.decide(authorization(kIssuerPath)), ResponseCode::kApproved);
}

TEST(Issuer, AStolenCardPaysFromItsVictimsAccount) {
  // An attack's payment (its own population 1) with population 0's card 5: the account
  // is card 5's of population 0, the one its owner pays from.
  Fixture f;
  f.payment.population = 0;
  ASSERT_EQ(f.decide(authorization(path_of({1, 2, 3, 4}))), ResponseCode::kApproved);
  core::Payment thief = f.payment;
  thief.population = 1;
  thief.card_population = 0;
  EXPECT_EQ(flow_internal::card_key(thief), flow_internal::card_key(f.payment));
  PaymentLedger ledger;
  ASSERT_EQ(f.issuer.decide(kIssuerNode, f.s.nodes[kIssuerNode], thief, ledger,
                            authorization(path_of({5, 6, 7, 8})), 1.0),
            ResponseCode::kApproved);
  EXPECT_EQ(f.available(), 4000);  // 100.00 - 2 x 30.00
  EXPECT_EQ(f.accounts.size(), 1u);
}

}  // namespace
}  // namespace payquake::payments
