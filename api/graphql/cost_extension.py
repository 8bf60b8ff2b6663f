"""Refuses a query that costs too much before it runs, and reports its cost to the client.

Every answer carries `extensions.cost { requested actual limit remaining maximum }`.
`requested` over MAX_QUERY_COST is QUERY_TOO_COSTLY; over what is left of the budget of
this app for this person (HTTP requests only) it is RATE_LIMITED, with `Retry-After`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, get_operation_ast
from strawberry.extensions import SchemaExtension

from api.graphql.cost import MAX_QUERY_COST, actual_cost, requested_cost
from api.graphql.ratelimit import BudgetState, CostBudget


def refusal(message: str, code: str, **extensions: Any) -> ExecutionResult:
    return ExecutionResult(data=None,
                           errors=[GraphQLError(message, extensions={"code": code, **extensions})])


def rate_limit_headers(state: BudgetState) -> dict[str, str]:
    """The IETF RateLimit header fields for the cost budget."""
    return {
        "RateLimit-Policy": f'"cost";q={state.limit}',
        "RateLimit": f'"cost";r={state.remaining};t={state.retry_after}',
    }


class CostExtension(SchemaExtension):
    requested = 0
    actual = 0
    state: BudgetState | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        assert document is not None
        self.requested = requested_cost(execution.schema._schema, document,
                                        execution.operation_name, execution.variables)
        budget: CostBudget | None = getattr(execution.context, "cost_budget", None)
        if budget is not None:
            self.state = await budget.state()
        refused = self._refusal()
        if refused is not None:
            execution.result = refused
        yield
        if refused is not None:
            return
        result = execution.result
        operation = get_operation_ast(document, execution.operation_name)
        self.actual = actual_cost(getattr(result, "data", None), operation)
        if budget is not None:
            self.state = await budget.charge(self.actual) or self.state
        self._set_headers()

    def _refusal(self) -> ExecutionResult | None:
        cost = {"requested": self.requested, "maximum": MAX_QUERY_COST}
        if self.requested > MAX_QUERY_COST:
            return refusal(
                f"This query could cost {self.requested} points, more than the "
                f"{MAX_QUERY_COST} a query may cost: ask for smaller pages.",
                "QUERY_TOO_COSTLY", cost=cost,
            )
        if self.state is not None and self.requested > self.state.remaining:
            self._set_headers(retry_after=self.state.retry_after)
            return refusal(
                f"This query could cost {self.requested} points and {self.state.remaining} "
                f"are left; retry in {self.state.retry_after} s.",
                "RATE_LIMITED", limit="cost", retryAfter=self.state.retry_after, cost=cost,
            )
        return None

    def _set_headers(self, retry_after: int | None = None) -> None:
        response = getattr(self.execution_context.context, "http_response", None)
        if response is None or self.state is None:
            return
        response.headers.update(rate_limit_headers(self.state))
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
            response.status_code = 429

    async def get_results(self) -> dict[str, Any]:
        budget = getattr(self.execution_context.context, "cost_budget", None)
        if self.state is None and budget is not None:
            # Refused before execution (syntax, validation): still say what is left.
            self.state = await budget.state()
            self._set_headers()
        state = self.state
        return {"cost": {
            "requested": self.requested,
            "actual": self.actual,
            "maximum": MAX_QUERY_COST,
            "limit": state.limit if state else None,
            "remaining": state.remaining if state else None,
        }}
