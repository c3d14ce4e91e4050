// Routing tables and health beliefs; the choices themselves are templates in router.hpp so
// the flow's hot path inlines them.
#include "payments/router.hpp"

#include <utility>

namespace payquake::payments {

Router::Router(std::vector<Node> nodes, std::vector<std::uint32_t> bin_owner, std::size_t stations)
    : nodes_(std::move(nodes)),
      cursors_(nodes_.size()),
      bin_owner_(std::move(bin_owner)),
      stations_(stations),
      alive_(nodes_.size() * stations, 1),
      usable_(nodes_.size() * stations, 1) {}

}  // namespace payquake::payments
