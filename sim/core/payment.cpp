#include "core/payment.hpp"

namespace payquake::core {

const char* code_string(ResponseCode c) {
  switch (c) {
    case ResponseCode::kApproved: return "00";
    case ResponseCode::kDoNotHonour: return "05";
    case ResponseCode::kInvalidCard: return "14";
    case ResponseCode::kFormatError: return "30";
    case ResponseCode::kAuthenticationRequired: return "65";
    case ResponseCode::kInsufficientFunds: return "51";
    case ResponseCode::kSuspectedFraud: return "59";
    case ResponseCode::kIssuerInoperative: return "91";
    case ResponseCode::kSystemMalfunction: return "96";
  }
  return "??";
}

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::kApproved: return "approved";
    case Outcome::kDeclined: return "declined";
    case Outcome::kFailed: return "failed";
    case Outcome::kAbandoned: return "abandoned";
  }
  return "?";
}

const char* to_string(DuplicateCause c) {
  switch (c) {
    case DuplicateCause::kClientRetry: return "client_retry";
    case DuplicateCause::kGatewayRetry: return "gateway_retry";
    case DuplicateCause::kDoubleSubmit: return "double_submit";
    case DuplicateCause::kLostReversal: return "lost_reversal";
    case DuplicateCause::kStandIn: return "stand_in";
    case DuplicateCause::kReplay: return "replay";
    case DuplicateCause::kKeyNotStored: return "key_not_stored";
    case DuplicateCause::kCount: break;
  }
  return "?";
}

const char* mti(Message m, bool response) {
  switch (m) {
    case Message::kAuthorization: return response ? "0110" : "0100";
    case Message::kReversal: return response ? "0410" : "0400";
    case Message::kAdvice: return response ? "0130" : "0120";
  }
  return "????";
}

Outcome outcome_of(ResponseCode c) {
  switch (c) {
    case ResponseCode::kApproved: return Outcome::kApproved;
    case ResponseCode::kDoNotHonour:
    case ResponseCode::kInvalidCard:
    case ResponseCode::kFormatError:
    case ResponseCode::kAuthenticationRequired:
    case ResponseCode::kInsufficientFunds:
    case ResponseCode::kSuspectedFraud: return Outcome::kDeclined;
    case ResponseCode::kIssuerInoperative:
    case ResponseCode::kSystemMalfunction: return Outcome::kFailed;
  }
  return Outcome::kFailed;
}

}  // namespace payquake::core
