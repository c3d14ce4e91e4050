// The flow, where money moves: the issuer's decisions, holds and releases in the ledger,
// the network's stand-in, and the reversals and advices that hops originate and resend.

#include <cassert>

#include "payments/flow.hpp"
#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::Message;
using core::ResponseCode;
using namespace flow_internal;

void Flow::serve_at_issuer(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const core::Node& issuer = node_of(s);
  PaymentSlot& ps = payments_[attempts_[a].payment];
  const core::Payment& p = ps.payment;
  PaymentLedger& ledger = ps.ledger;
  const bool funds = issuer.accounts.enabled;
  const std::uint64_t card = card_key(p);
  Accounts::Account* account = nullptr;
  if (funds) {
    // Holds due by now are captured or expired first: the decision sees today's balance.
    accounts_.settle_until(t);
    account = &accounts_.get(card, [&] {
      // Keyed by (seed, issuer, card): the same card opens with the same balance whatever
      // order the cards are first used in.
      return core::money_from_major(draws_.opening_balance(stations_[s].node, card)).minor;
    });
  }
  const auto hold = [&](Charge& c, std::size_t ordinal) {
    if (!funds) return;
    const Accounts::Hold fate = hold_fate(issuer, stations_[s].node, p, ordinal, t);
    c.hold = accounts_.hold(card, *account, p.amount.minor, fate.due_s, fate.captures);
    c.applied = true;
  };
  const auto release = [&](Charge& c) {
    if (!c.applied) return;
    accounts_.reverse(card, c.hold, p.amount.minor, t);
    c.applied = false;
  };
  const auto ordinal_of = [&ledger](const Charge& c) {
    return static_cast<std::size_t>(&c - ledger.charges.data());
  };

  ResponseCode code = ResponseCode::kApproved;
  const Attempt& req = attempts_[a];
  switch (req.message) {
    case Message::kAuthorization: {
      const Path path = path_of(a);
      Charge* stood_in = nullptr;
      for (Charge& c : ledger.charges)
        if (c.stand_in && !c.reversed && c.path.same_transaction(path)) stood_in = &c;
      if (stood_in != nullptr) {
        // The network already approved this very request on the issuer's behalf: the
        // issuer books that charge (if the advice has not) rather than a second one.
        if (!stood_in->booked) hold(*stood_in, ordinal_of(*stood_in));
        stood_in->booked = true;
        break;
      }
      if (funds && account->available < p.amount.minor) {
        code = ResponseCode::kInsufficientFunds;
        break;
      }
      Charge charge;
      charge.path = path;
      charge.try_kind = root_try_kind(a);
      charge.key = attempts_[root_of(a)].key;
      charge.approved_s = t;
      hold(charge, ledger.charges.size());
      for (const auto& [id, depth] : ledger.reversed_targets) {
        if (charge.path.matches(id, depth)) {  // its reversal overtook it
          release(charge);
          charge.reversed = true;
        }
      }
      ledger.charges.push_back(charge);
      break;
    }
    case Message::kReversal:
      ledger.reversed_targets.emplace_back(req.target_id, req.target_depth);
      for (Charge& c : ledger.charges) {
        if (c.reversed || !c.path.matches(req.target_id, req.target_depth)) continue;
        release(c);
        c.reversed = true;
      }
      break;
    case Message::kAdvice:
      for (Charge& c : ledger.charges) {
        if (!c.stand_in || c.path.length != req.target_depth + 1 ||
            c.path.ids[req.target_depth] != req.target_id)
          continue;
        // Applied without a funds check: the network has already promised the merchant.
        // Unless the issuer approved the request itself: then it is already booked.
        if (!c.reversed && !c.booked && !c.merged) hold(c, ordinal_of(c));
        c.booked = true;
      }
      break;
  }
  release_worker(s, t);
  answer(a, code, t);
}

Accounts::Hold Flow::hold_fate(const core::Node& issuer, std::uint32_t node,
                              const core::Payment& p, std::size_t ordinal, double t) const {
  const PaymentDraws::HoldFate drawn = draws_.hold(node, p, ordinal);
  Accounts::Hold fate;
  // An authorization is valid until its hold expires: a merchant that has not captured by
  // then has lost it.
  fate.captures = drawn.captures && drawn.after_s <= issuer.accounts.hold_expiry_s;
  fate.due_s = t + (fate.captures ? drawn.after_s : issuer.accounts.hold_expiry_s);
  return fate;
}

void Flow::stand_in(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const core::Node& network = node_of(s);
  PaymentSlot& ps = payments_[attempts_[a].payment];
  if (ps.payment.amount > network.stand_in.max_amount) {
    observer_.on_stand_in(ref(s), ps.payment, false, t);
    answer(a, ResponseCode::kDoNotHonour, t);
    return;
  }
  Charge charge;
  charge.path = path_of(a);
  charge.try_kind = root_try_kind(a);
  charge.key = attempts_[root_of(a)].key;
  charge.stand_in = true;
  charge.approved_s = t;
  // The issuer may already have approved this very request (its answer is what timed
  // out): the same transaction, charged once.
  for (const Charge& c : ps.ledger.charges)
    if (!c.stand_in && !c.reversed && c.path.same_transaction(charge.path)) charge.merged = true;
  ps.ledger.charges.push_back(charge);
  observer_.on_stand_in(ref(s), ps.payment, true, t);
  const std::uint64_t id = attempts_[a].id;
  const std::uint8_t depth = attempts_[a].depth;
  const std::uint64_t visit = attempts_[a].visit;
  const std::uint32_t payment = attempts_[a].payment;
  answer(a, ResponseCode::kApproved, t);
  // Tell the issuer (0120) so that it books the charge.
  originate(s, payments_[payment].payment.issuer, kNone, Message::kAdvice, payment, id, depth,
            visit, t);
}

void Flow::originate(std::uint32_t from_station, std::uint32_t to_node, std::uint32_t to_station,
                     Message m, std::uint32_t payment, std::uint64_t target_id,
                     std::uint8_t target_depth, std::uint64_t target_visit, double t) {
  const std::uint32_t r = new_attempt(payment, kNone, from_station, to_node, m);
  attempts_[r].to = to_station;
  attempts_[r].target_id = target_id;
  attempts_[r].target_depth = target_depth;
  attempts_[r].depth = target_depth;
  attempts_[r].visit = visit::originated(target_visit, m);
  if (m == Message::kAdvice) {
    // Advices wait in the network's store-and-forward queue and go out a few at a time.
    stations_[from_station].advice_backlog.push(r);
    pump_advices(from_station, t);
    return;
  }
  depart(r, t);
}

void Flow::pump_advices(std::uint32_t s, double t) {
  Station& station = stations_[s];
  while (station.advices_in_flight < kAdviceWindow && !station.advice_backlog.empty()) {
    const std::uint32_t r = station.advice_backlog.front();
    // Held while the issuer is unreachable; platform_changed() pumps again when it is back.
    if (!node_reachable(station.node, attempts_[r].to_node)) return;
    station.advice_backlog.pop();
    ++station.advices_in_flight;
    depart(r, t);
  }
}

void Flow::originator_resolved(std::uint32_t r, bool delivered, double t) {
  const Attempt sent = attempts_[r];
  const core::Node& node = node_of(sent.from);
  if (sent.message == Message::kAdvice) {
    --stations_[sent.from].advices_in_flight;
    // An acknowledgement that came back too late still tells the network the issuer has
    // the advice: the ledger shows the charge booked.
    bool booked = delivered;
    for (const Charge& c : payments_[sent.payment].ledger.charges)
      if (c.stand_in && c.path.matches(sent.target_id, sent.target_depth) &&
          (c.booked || c.reversed))
        booked = true;
    if (!booked && sent.sends < kMaxAdviceSends) {
      // Back into the store-and-forward queue, to go out again when the window allows.
      const std::uint32_t again = resend_of(sent, sent.to_node);
      calendar_->schedule(t + node.reversal.backoff_s, kAdviceRequeue, again,
                          attempts_[again].generation);
    } else if (!booked) {
      observer_.on_lost(ref(sent.from), sent.message, payments_[sent.payment].payment, t);
    }
    pump_advices(sent.from, t);
    return;
  }
  if (delivered) return;
  if (sent.sends < node.reversal.attempts) {
    // Resent along the path routing picks now: the original next hop may be the one
    // that is down (a reversal only has to reach the issuer).
    const std::uint32_t from_node = stations_[sent.from].node;
    std::uint32_t to_node = sent.to_node;
    if (!node_reachable(from_node, to_node)) {
      const std::uint32_t alternative =
          choose_next_node(from_node, payments_[sent.payment].payment);
      if (alternative != kNone) to_node = alternative;
    }
    depart_after(resend_of(sent, to_node), node.reversal.backoff_s, t);
    return;
  }
  observer_.on_lost(ref(sent.from), sent.message, payments_[sent.payment].payment, t);
}

std::uint32_t Flow::resend_of(const Attempt& sent, std::uint32_t to_node) {
  const std::uint32_t again = new_attempt(sent.payment, kNone, sent.from, to_node, sent.message);
  Attempt& a = attempts_[again];
  a.target_id = sent.target_id;
  a.target_depth = sent.target_depth;
  a.depth = sent.depth;
  a.sends = static_cast<std::uint8_t>(sent.sends + 1);
  a.visit = visit::resend(sent.visit, a.sends);
  return again;
}

}  // namespace payquake::payments
