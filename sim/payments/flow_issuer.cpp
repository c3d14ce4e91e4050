// The flow, where money moves: it asks the issuer (issuer.hpp) for its decision and the
// network for its stand-in, and sends the reversals and advices that hops originate and resend.

#include <cassert>

#include "payments/flow.hpp"
#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::Message;
using core::ResponseCode;
using namespace flow_internal;

void Flow::serve_at_issuer(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const Attempt& req = attempts_[a];
  PaymentSlot& ps = payments_[req.payment];
  Issuer::Request r;
  r.message = req.message;
  r.target_id = req.target_id;
  r.target_depth = req.target_depth;
  if (req.message == Message::kAuthorization) {
    if (fraud_.any() && screened_out(a, t)) return;  // the issuer's policy (flow_fraud.cpp)
    r.path = path_of(a);
    const Attempt& root = attempts_[root_of(a)];
    r.try_kind = root.try_kind;
    r.key = root.key;
  }
  const ResponseCode code =
      issuer_.decide(stations_[s].node, node_of(s), ps.payment, ps.ledger, r, t);
  release_worker(s, t);
  answer(a, code, t);
}

void Flow::stand_in(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  PaymentSlot& ps = payments_[attempts_[a].payment];
  Issuer::Request r;
  r.path = path_of(a);
  const Attempt& root = attempts_[root_of(a)];
  r.try_kind = root.try_kind;
  r.key = root.key;
  if (Issuer::stand_in(node_of(s), ps.payment, ps.ledger, r, t) != ResponseCode::kApproved) {
    observer_.on_stand_in(ref(s), ps.payment, false, t);
    answer(a, ResponseCode::kDoNotHonour, t);
    return;
  }
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
