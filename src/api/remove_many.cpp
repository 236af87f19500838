// `remove_many`: removals, a few at a time, one result each; one failure never fails the batch.
#include "sansio/failure.hpp"
#include "api/completion.hpp"
#include "api/tokens_api.hpp"

#include <stencila/hub/tokens_api.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <atomic>

namespace stencila::hub {
namespace asio = boost::asio;
using boost::system::system_error;

namespace {

struct removal_batch {
    std::vector<secret> tokens;
    std::vector<remove_result> results;
    std::atomic<std::size_t> next{0};
};

asio::awaitable<void> remove_worker(detail::state_ptr s, detail::call_ptr c, std::shared_ptr<removal_batch> batch) {
    for (std::size_t i; (i = batch->next.fetch_add(1)) < batch->tokens.size();) {
        auto& result = batch->results[i];
        try {
            auto how = co_await detail::remove_token(s, c, detail::checked_token_target(*s, batch->tokens[i]), batch->tokens[i]);
            result.what = how == detail::removal::removed_earlier ? remove_result::outcome::removed_earlier
                                                                   : remove_result::outcome::removed;
        } catch (const system_error& e) {  // api_error too
            if (e.code() == asio::error::operation_aborted) throw;
            auto ec = detail::to_error_code(std::current_exception(), &result.diag);
            if (ec == boost::system::error_code(404, http_category())) {
                result.what = remove_result::outcome::not_found;  // gone already: what was asked for
                result.diag.clear();
            } else {
                result.what = remove_result::outcome::failed;
                result.error = ec;
            }
        }
    }
}

asio::awaitable<std::vector<remove_result>> remove_all(detail::state_ptr s, detail::call_ptr c, std::shared_ptr<removal_batch> batch,
                                                       std::size_t concurrency) {
    auto ex = co_await asio::this_coro::executor;
    using op = decltype(asio::co_spawn(ex, remove_worker(s, c, batch), asio::deferred));
    std::vector<op> workers;
    for (std::size_t i = 0; i < std::min(concurrency, batch->tokens.size()); ++i)
        workers.push_back(asio::co_spawn(ex, remove_worker(s, c, batch), asio::deferred));
    if (!workers.empty()) {
        auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(workers))
                                   .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
        for (auto& e : errors)
            if (e) std::rethrow_exception(e);  // only cancellation gets here
    }
    co_return std::move(batch->results);
}

}  // namespace

asio::awaitable<std::vector<remove_result>> tokens_api::remove_many(std::vector<secret> tokens,
                                                                    std::size_t concurrency) const {
    if (concurrency == 0) throw detail::failure(make_error_code(error::invalid_argument), "remove_many: concurrency is 0");
    auto batch = std::make_shared<removal_batch>();
    batch->results.resize(tokens.size());
    batch->tokens = std::move(tokens);
    return remove_all(state_, call_, std::move(batch), concurrency);
}

}  // namespace stencila::hub
