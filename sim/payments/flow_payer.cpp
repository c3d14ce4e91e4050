// The flow, payer side: open-loop arrivals and the presses of "pay" (first, retries, double
// submits) as the flow carries them out; what each press carries and what the customer
// does after an error or a timeout are payments::Payer's decisions (payer.hpp).

#include <cassert>

#include "payments/flow.hpp"
#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::Message;
using core::ResponseCode;
using namespace flow_internal;

void Flow::on_arrival(std::uint32_t population, double t) {
  Population& pop = populations_[population];
  const std::uint32_t slot = new_payment();
  core::Payment& p = payments_[slot].payment;
  p.id = next_payment_id_++;
  p.serial = payment_serial(population, pop.arrived++);
  p.population = population;
  const PaymentDraws::Purchase purchase = draws_.purchase(p);
  p.card = purchase.card;
  const std::uint64_t h = card_hash(population, p.card);
  // The top 53 bits pick the issuer by share; the low bits pick one of its BINs.
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  p.issuer = pop.issuer_cumulative.back().first;
  for (const auto& [issuer, cumulative] : pop.issuer_cumulative) {
    if (u < cumulative) {
      p.issuer = issuer;
      break;
    }
  }
  const auto& bins = issuer_bins_[p.issuer];
  p.bin = bins[(h & 0xffff) % bins.size()];
  p.amount = purchase.amount;
  // What a fraud policy sees besides card and amount, and the ground truth (issue 10).
  const PaymentDraws::Features features = draws_.features(p);
  p.merchant = features.merchant;
  p.device = features.device;
  p.fraud = features.fraud;
  p.intended_arrival_s = t;
  observer_.on_arrival(p, t);

  press(slot, TryKind::kFirst, t);
  const Payer::DoubleSubmit twice = payer_.double_submit(p, t);
  if (twice.happens) {
    ++payments_[slot].refs;
    calendar_->schedule(twice.at_s, kClientPress, slot, payments_[slot].generation, 1);
  }

  const double next = pop.arrivals.next();
  if (next != load::ArrivalProcess::kNever) {
    calendar_->schedule(next, kArrival, population);
  } else {
    --pending_arrivals_;
  }
}

void Flow::on_press(std::uint32_t slot, bool double_submit, double t) {
  // A customer who already has an answer does not press again.
  if (!payments_[slot].final_reported)
    press(slot, double_submit ? TryKind::kDoubleSubmit : TryKind::kClientRetry, t);
  release_payment(slot, t);  // the press is no longer pending
}

void Flow::press(std::uint32_t slot, TryKind kind, double t) {
  PaymentSlot& ps = payments_[slot];
  const Population& pop = populations_[ps.payment.population];
  const Payer::Press press =
      Payer::press(pop.spec.client, ps.payment.id, kind, ps.presses, ps.authenticated_press);
  if (kind == TryKind::kStepUp) ps.authenticated_press = static_cast<std::int8_t>(press.number);
  if (kind != TryKind::kDoubleSubmit) ++ps.presses;
  const std::uint32_t a = new_attempt(slot, kNone, kPayer, pop.entry_node, Message::kAuthorization);
  attempts_[a].try_kind = kind;
  attempts_[a].key = press.key;
  attempts_[a].visit = visit::press(press.number);
  depart(a, t);
}

void Flow::payer_answered(std::uint32_t a, ResponseCode code, double t) {
  const std::uint32_t slot = attempts_[a].payment;
  if (attempts_[a].state == AttemptState::kTimedOut) {
    observer_.on_payer_late_answer(payments_[slot].payment, t);
    free_attempt(a, t);
    return;
  }
  attempts_[a].state = AttemptState::kAnswered;
  --stations_[attempts_[a].to].outstanding;
  if (code == ResponseCode::kAuthenticationRequired && begin_challenge(slot, t)) {
    free_attempt(a, t);  // the checkout runs a 3-D Secure challenge (flow_fraud.cpp)
    return;
  }
  PaymentSlot& ps = payments_[slot];
  const Population& pop = populations_[ps.payment.population];
  if (!ps.final_reported) {
    const core::Outcome outcome = core::outcome_of(code);
    if (outcome != core::Outcome::kFailed) {
      finalize(slot, outcome, code, t);
    } else {
      // An error: the customer presses pay again while they have retries left.
      const Payer::Next next =
          payer_.after_failure(pop.spec.client, ps.payment, attempts_[a].try_kind, ps.presses, t,
                             ps.authenticated_press >= 0 ? 1 : 0);
      if (next.step == Payer::Step::kPressAgain) {
        ++ps.refs;
        calendar_->schedule(next.at_s, kClientPress, slot, ps.generation, 0);
      } else if (next.step == Payer::Step::kGiveUp) {
        finalize(slot, outcome, code, t);
      }
    }
  }
  free_attempt(a, t);
}

void Flow::payer_gave_up(std::uint32_t a, double t) {
  attempts_[a].state = AttemptState::kTimedOut;
  --stations_[attempts_[a].to].outstanding;
  const std::uint32_t slot = attempts_[a].payment;
  PaymentSlot& ps = payments_[slot];
  if (ps.final_reported) return;
  const Population& pop = populations_[ps.payment.population];
  const Payer::Next next =
      payer_.after_failure(pop.spec.client, ps.payment, attempts_[a].try_kind, ps.presses, t,
                             ps.authenticated_press >= 0 ? 1 : 0);
  if (next.step == Payer::Step::kNothing) return;
  if (next.step == Payer::Step::kPressAgain) {
    ++ps.refs;
    calendar_->schedule(next.at_s, kClientPress, slot, ps.generation, 0);
    return;
  }
  // The customer walks away without an answer: the payment is in doubt until the ledger
  // reconciles it.
  ps.in_doubt = true;
  ps.gave_up_s = t;
  finalize(slot, core::Outcome::kAbandoned, ResponseCode::kIssuerInoperative, t);
}

void Flow::on_client_timeouts(std::uint32_t population, double t) {
  DeadlineQueue& queue = populations_[population].client_deadlines;
  RingQueue<Deadline>& pending = queue.pending;
  while (!pending.empty() && pending.front().at_s <= t) {
    const Deadline due = pending.pop();
    if (settled(due)) continue;
    const bool lost = attempts_[due.attempt].lost;
    payer_gave_up(due.attempt, t);
    if (lost) free_attempt(due.attempt, t);  // no late answer will ever come
  }
  rearm(queue, kClientTimeouts, population);
}

void Flow::finalize(std::uint32_t slot, core::Outcome outcome, ResponseCode code, double t) {
  PaymentSlot& ps = payments_[slot];
  ps.final_reported = true;
  ps.outcome = outcome;
  observer_.on_final(ps.payment, outcome, code, t);
}

}  // namespace payquake::payments
