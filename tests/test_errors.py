"""The error catalogue: one small bad ledger in ``tests/errors/`` per kind of bad input.

For each, ``load`` must raise :class:`aicapex.LedgerError` with the problem located (file, line,
record kind and index, id, field) and explained (expected, found); ``str(error)`` must list it as
``<file>:<line>: <kind>[<index>] <id>: <field>: expected ..., got ...``; and ``aicapex validate``
must print it on standard error and exit 1, without a traceback.

Warnings (implausible but real: a prepaid bill) are cases too: ``load`` keeps them in
``Ledger.warnings`` and ``load(..., strict=True)`` raises them; ``aicapex validate`` prints them
(``<file>:<line>: warning: ...``) and exits 0, ``validate --strict`` exits 1.

Adding a case: write the file in ``tests/errors/`` and add one line to ``CASES`` (and its code to
``CODE_OF``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import aicapex
from aicapex import LedgerError, Problem
from aicapex.errors import CODES, WARNINGS

ERRORS = Path(__file__).parent / "errors"


@dataclass(frozen=True)
class Case:
    """A bad input and the first problem (in file and line order) its load must report.

    ``expected`` is part of the problem's ``expected`` text; every other field must be equal
    (``{errors}`` in ``found`` stands for the ``tests/errors`` folder).
    ``count`` is the exact number of problems (``None``: at least one). ``file`` is the file of
    the problem, relative to ``tests/errors/`` (default: ``name``, which may be a directory).
    ``max_bytes`` is given to ``load`` (and ``--max-bytes`` to the command) when set.
    """

    name: str
    line: int | None
    kind: str | None
    index: int | None
    record_id: str | None
    field: str | None
    expected: str
    found: str
    count: int | None = 1
    file: str | None = None
    max_bytes: int | None = None

    @property
    def warning(self) -> bool:
        """Whether the case is a warning (the ledger loads)."""
        return CODE_OF[self.name] in WARNINGS


BILL = "acme-aws-2023-08"
ORDER = "acme-h100-2023"

# fmt: off
CASES = [
    # -- the file: its bytes, syntax and shape ------------------------------------------------
    Case("missing.yaml", None, None, None, None, None, "an existing ledger file", "no such file"),
    Case("not_utf8.yaml", 4, None, None, None, None, "UTF-8", "the byte 0xE9 at offset 112"),
    Case("empty.yaml", 1, None, None, None, None, "a mapping of record kinds", "an empty file"),
    Case("comments_only.yaml", 1, None, None, None, None, "a mapping of record kinds", "only comments"),  # noqa: E501
    Case("malformed_yaml.yaml", 7, "entities", 0, "acme", "aliases", "valid YAML", "did not find expected ',' or ']' (while parsing a flow sequence that starts on line 6)"),  # noqa: E501
    Case("duplicate_key.yaml", 16, "cloud_bills", 0, "acme-aws-2023-08", "billed", "valid YAML", "duplicate key 'billed' in one mapping"),  # noqa: E501
    Case("bad_json.json", 3, None, None, None, None, "valid JSON", "Expecting property name enclosed in double quotes"),  # noqa: E501
    Case("duplicate_key.json", 7, "entities", 0, "acme", "name", "valid JSON", "duplicate key 'name' in one mapping"),  # noqa: E501
    Case("anchor_alias.yaml", 5, "entities", 0, "acme", "type", "without YAML anchors or aliases", "an anchor &t", count=2),  # noqa: E501
    Case("alias_bomb.yaml", 2, "a", None, None, None, "without YAML anchors or aliases", "an anchor &a", count=None),  # noqa: E501
    Case("yaml_tag.yaml", 7, "entities", 1, "beta", "name", "without YAML tags", "the tag !!binary"),  # noqa: E501
    Case("not_a_mapping.yaml", 2, None, None, None, None, "a mapping of record kinds", "a list"),
    Case("unknown_kind.yaml", 7, "cloud_bill", None, None, None, "(did you mean 'cloud_bills'?)", "'cloud_bill'"),  # noqa: E501
    Case("kind_not_list.yaml", 2, "entities", None, None, None, "a list of entities", "a mapping"),
    Case("record_not_mapping.yaml", 6, "entities", 1, None, None, "a record (a mapping of Entity fields)", "a string 'aws'"),  # noqa: E501
    Case("deeply_nested.yaml", 4, "entities", 0, "acme", "name", "values nested less deeply", "nesting deeper than that"),  # noqa: E501
    # -- one record's fields ----------------------------------------------------------------------
    Case("unknown_field.yaml", 15, "cloud_bills", 0, BILL, "biled", "(did you mean 'billed'?)", "unknown field 'biled'"),  # noqa: E501
    Case("missing_field.yaml", 8, "cloud_bills", 0, "acme-2023-08", "provider", "this field is required", "nothing"),  # noqa: E501
    Case("wrong_type_list.yaml", 15, "gpu_orders", 0, ORDER, "quantity", "a whole number of GPUs", "[1, 2]"),  # noqa: E501
    Case("wrong_type_bool.yaml", 16, "compute_contracts", 0, "acme-aws-2024", "take_or_pay", "true or false", "'maybe'"),  # noqa: E501
    Case("bad_enum.yaml", 5, "entities", 0, "acme", "type", "(did you mean 'company'?)", "'compnay'"),  # noqa: E501
    Case("negative_amount.yaml", 15, "cloud_bills", 0, BILL, "billed", "a positive amount", "-$5M"),
    Case("zero_amount.yaml", 11, "funding_rounds", 0, "acme-seed", "amount", "a positive amount", "$0"),  # noqa: E501
    Case("bad_money.yaml", 15, "cloud_bills", 0, BILL, "billed", "money like '$7M'", "'seven'"),
    Case("bad_date.yaml", 14, "cloud_bills", 0, "acme-aws-2023-10", "period", "a date like '2023-10-31'", "'Octobre 2023'"),  # noqa: E501
    Case("fractional_gpus.yaml", 15, "gpu_orders", 0, ORDER, "quantity", "a whole number of GPUs", "12000.5"),  # noqa: E501
    Case("fractional_gpus_string.yaml", 15, "gpu_orders", 0, ORDER, "quantity", "a whole number of GPUs", "'12,000.5'"),  # noqa: E501
    # -- one record's consistency -----------------------------------------------------------------
    Case("delivery_before_order.yaml", 20, "gpu_orders", 0, ORDER, "delivered.1.date", "on or after the order 2023-06", "2023-05"),  # noqa: E501
    Case("tranches_above_round.yaml", 13, "funding_rounds", 0, "acme-series-a", "tranches", "at most the round's $50M", "a total of $60M"),  # noqa: E501
    Case("payment_above_bill.yaml", 16, "cloud_bills", 0, BILL, "payments", "at most the bill's $7M", "$8M"),  # noqa: E501
    # -- records together: ids and references -------------------------------------------------
    Case("unknown_reference.yaml", 13, "cloud_bills", 0, BILL, "provider", "the id of one of the entities (did you mean 'aws'?)", "'awz', which no record has"),  # noqa: E501
    Case("wrong_kind_reference.yaml", 18, "cloud_bills", 0, BILL, "provider", "the id of one of the entities", "'register-2024-04', which is one of the sources"),  # noqa: E501
    Case("invalid_referenced_record.yaml", 9, "entities", 1, "aws", "countr", "(did you mean 'country'?)", "unknown field 'countr'"),  # noqa: E501
    Case("duplicate_id.yaml", 8, "funding_rounds", 0, "acme", "id", "a unique id", "'acme', already used by entities[0] at {errors}/duplicate_id.yaml:3"),  # noqa: E501
    Case("bad_rate.yaml", 12, "expenses", 0, "acme-compute", "rate", "a rate like '$99M/yr'", "'$99M per fortnight'"),  # noqa: E501
    Case("fiscal_year_owner.yaml", 16, "compute_contracts", 0, "acme-cloudco", "start", "fiscal_year_of: the entity whose fiscal year FY2028 is (acme's ends on 12-31, cloudco's ends on 06-30)", "FY2028 without fiscal_year_of"),  # noqa: E501
    Case("symlink_loop.yaml", None, None, None, None, None, "a readable ledger file", "Too many levels of symbolic links"),  # noqa: E501
    Case("duplicate_id_across_files", 6, "entities", 1, "acme", "id", "a unique id", "'acme', already used by entities[0] at {errors}/duplicate_id_across_files/a.yaml:3", file="duplicate_id_across_files/b.yaml"),  # noqa: E501
    # -- issue 8: nothing wrong gets in ----------------------------------------------------------
    Case("unreadable_in_folder", None, None, None, None, None, "a readable ledger file", "Too many levels of symbolic links", file="unreadable_in_folder/loop.yaml"),  # noqa: E501
    Case("too_large.yaml", None, None, None, None, None, "a ledger file of at most 100 bytes", "128 bytes", max_bytes=100),  # noqa: E501
    Case("nul_byte.yaml", 4, "entities", 0, "acme", "name", "text without control characters", "the character U+0000"),  # noqa: E501
    Case("deeply_nested.json", 1, None, None, None, None, "values nested less deeply", "nesting deeper than that"),  # noqa: E501
    Case("huge_integer.json", 6, "gpu_orders", 0, "acme-h100", "quantity", "a number of at most 40 characters", "'9999999999999999999999999999999999999999'... (5,000 characters)"),  # noqa: E501
    Case("huge_date.yaml", 6, "entities", 0, "acme", "founded", "a date of at most 40 characters", "'2222222222222222222222222222222222222222'... (5,000 characters)"),  # noqa: E501
    Case("long_reference.yaml", 10, "cloud_bills", 0, BILL, "provider", "an id or word of at most 200 characters", "'awsawsawsawsawsawsawsawsawsawsawsawsawsa'... (300 characters)"),  # noqa: E501
    Case("long_field_name.yaml", 3, "entities", 0, "acme", None, "a field name of at most 200 characters", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (300 characters)"),  # noqa: E501
    Case("overflow_number.yaml", 6, "fx_rates", 0, "eur-2023", "usd", "a number between 1e-300 and 1e300 in size", "1e400"),  # noqa: E501
    Case("nan_number.json", 3, "fx_rates", 0, "eur-2023", "usd", "a finite number", "NaN"),
    Case("fx_rate_to_itself.yaml", 4, "fx_rates", 0, "usd-2023", "currency", "a currency other than USD", "'USD'"),  # noqa: E501
    Case("contract_end_before_start.yaml", 15, "compute_contracts", 0, "acme-cloudco-2024", "end", "a date on or after the start 2024-06", "2023-06"),  # noqa: E501
    Case("until_before_date.yaml", 13, "expenses", 0, "acme-payroll", "until", "a date on or after 2023-06", "2023-03"),  # noqa: E501
    Case("same_party_bill.yaml", 10, "cloud_bills", 0, "acme-acme-2023-08", "provider", "an entity other than the payer 'acme'", "'acme'"),  # noqa: E501
    Case("same_party_flow.yaml", 10, "expenses", 0, "acme-compute-2023", "counterparty", "an entity other than the company 'acme'", "'acme'"),  # noqa: E501
    Case("same_party_investor.yaml", 13, "funding_rounds", 0, "acme-seed", "investors.0.investor", "an investor other than the company 'acme'", "'acme'"),  # noqa: E501
    Case("control_cycle.yaml", 6, "entities", 0, "acme", "controlled_by.0", "controllers that do not lead back", "a loop: 'acme' -> 'holdco' -> 'someone' -> 'acme'"),  # noqa: E501
    Case("included_in_cycle.yaml", 12, "revenues", 0, "acme-sales-2023", "included_in", "does not include this one", "a loop: 'acme-sales-2023' -> 'acme-sales-2023-h2' -> 'acme-sales-2023'"),  # noqa: E501
    Case("translation_of_itself.yaml", 8, "sources", 0, "lesechos-2024-04", "translation_of", "the id of an original source", "a loop: 'lesechos-2024-04', itself"),  # noqa: E501
    Case("translation_cycle.yaml", 7, "sources", 0, "register-2024-04", "translation_of", "the id of an original source", "a loop: 'register-2024-04' -> 'lesechos-2024-04' -> 'register-2024-04'"),  # noqa: E501
    Case("contradicting_bounds.yaml", 23, "cash_balances", 1, "acme-cash-2023-10-lower", "amount", "a figure the source 'register-2024-04' can also mean by at most $3M (acme-cash-2023-10-upper)", "at least $5M (acme-cash-2023-10-lower): no amount is both"),  # noqa: E501
    # more of our own: bad inputs a demanding user tried
    Case("id_with_newline.yaml", 3, "entities", 0, None, "id", "an id of letters, digits", "'acme\\nai'"),  # noqa: E501
    Case("year_99999.yaml", 6, "entities", 0, "acme", "founded", "a date like", "'99999-01-01'"),
    Case("negative_gpus_text.yaml", 15, "gpu_orders", 0, ORDER, "quantity", "greater than 0", "'-5'"),  # noqa: E501
    Case("zero_rate.yaml", 11, "expenses", 0, "acme-opex", "rate", "a positive amount", "$0"),
    Case("source_is_a_person.yaml", 15, "cash_balances", 0, "acme-cash-2023-10", "sources.0.source", "the id of one of the sources", "'someone', which is one of the entities"),  # noqa: E501
    Case("controlled_by_a_source.yaml", 12, "entities", 0, "acme", "controlled_by.0", "the id of one of the entities", "'register-2024-04', which is one of the sources"),  # noqa: E501
    # -- issue 10: stakes, valuations and control ----------------------------------------------
    Case("share_above_100.yaml", 16, "stakes", 0, "someone-acme-2024", "share", "a share of at most 100%", "120%"),  # noqa: E501
    Case("bad_share.yaml", 16, "stakes", 0, "fund-acme-2024", "share", "a share like '35%'", "'thirty percent'"),  # noqa: E501
    Case("holders_above_100.yaml", 25, "stakes", 1, "fund-acme-2024", "share", "holdings of 'acme' on 2024-06 adding up to at most 100% of its shares outstanding (besides founder 70% (founder-acme-2024))", "45%, 115% in all"),  # noqa: E501
    Case("pre_plus_amount_not_post.yaml", 13, "funding_rounds", 0, "acme-series-a", "post_money", "pre_money + amount = post_money within 1% or the rounding of the figures as written (the parts add up to $50M", "$80M"),  # noqa: E501
    Case("control_cycle_stakes.yaml", 16, "stakes", 0, "alpha-beta-2024", "share", "control that does not loop back: 'alpha' controls 'beta' (holding 60%)", "a loop of control: 'beta' -> 'alpha' -> 'beta' (each controlled by the next)"),  # noqa: E501
    # -- issue 11: deal structures --------------------------------------------------------------
    Case("vesting_above_total.yaml", 17, "warrants", 0, "chipco-acme-warrant", "vesting", "tranches vesting at most the warrant's 100M shares", "110M shares in 2 tranches"),  # noqa: E501
    Case("pieces_not_total.yaml", 24, "vehicles", 0, "gpu-spv-2025", "total", "the pieces (equity $4B + debt $6B) = the total within 1% or the rounding of the figures as written (the parts add up to $10B", "$15B"),  # noqa: E501
    Case("sides_above_100.yaml", 17, "mergers", 0, "lab-social-2025", "target_holders", "sides holding at most 100% of the combined company (the acquirer's holders 80%)", "30%, 110% in all"),  # noqa: E501
    Case("customers_above_100.yaml", 27, "revenues", 2, "gpucloud-bigtech-2024", "share", "customers' shares of 'gpucloud-2024' adding up to at most 100% (besides lab 60% (gpucloud-lab-2024))", "50%, 110% in all"),  # noqa: E501
    # -- GPU reallocations against their orders; a contract's ramp ----------------------------
    Case("sku_not_order.yaml", 24, "gpu_reallocations", 0, "acme-to-lab-2023-12", "sku", "the SKU of its order 'acme-h100-2023', 'H100' as written", "'B200'"),  # noqa: E501
    Case("reallocated_above_order.yaml", 35, "gpu_reallocations", 1, "acme-to-cloudco-2024-02", "quantity", "reallocations of 'acme-h100-2023' from 'acme' moving at most the order's 12,000 GPUs (besides 8,000 (acme-to-lab-2023-12))", "6,000, 14,000 in all"),  # noqa: E501
    Case("ramp_after_end.yaml", 21, "compute_contracts", 0, "acme-cloudco-2024", "ramp.2.period", "a period starting on or before the end 2025-12", "2027"),  # noqa: E501
    Case("ramp_fiscal_overlap.yaml", 21, "compute_contracts", 0, "acme-cloudco-fy2025", "ramp.1.period", "a period apart from the other steps' (ramp.0.period is FY2025)", "2024-H2"),  # noqa: E501
    Case("ramp_steps_overlap.yaml", 18, "compute_contracts", 0, "acme-cloudco-2024", "ramp.1.period", "a period apart from the other steps' (ramp.0.period is 2024)", "2024-H2"),  # noqa: E501
    # -- warnings: implausible but real; the ledger loads ------------------------------------
    Case("tranche_before_round.yaml", 15, "funding_rounds", 0, "acme-series-a", "tranches.0.date", "a tranche on or after the round's date 2023-06", "2023-03"),  # noqa: E501
    Case("payment_before_period.yaml", 17, "cloud_bills", 0, BILL, "payments.0.date", "a payment on or after the period billed 2023-08", "2023-07-15"),  # noqa: E501
    Case("due_before_period_end.yaml", 16, "cloud_bills", 0, BILL, "due", "a due date on or after the end of the period billed 2023-08", "2023-08-10"),  # noqa: E501
    Case("reallocated_beyond_held.yaml", 28, "gpu_reallocations", 0, "lab-to-cloudco-2024-02", "from_entity", "an entity holding units of its order 'acme-h100-2023': its buyer 'acme', or one a reallocation of it gave some to", "'lab'"),  # noqa: E501
    Case("no_fx_rate.yaml", 12, "expenses", 0, "acme-opex-2023", "amount", "an exchange rate in fx_rates for EUR", "EUR (amount) on 2023-06-01, before its first rate (2024-01-01)"),  # noqa: E501
    Case("range_ends_apart.yaml", 13, "cash_balances", 0, "acme-cash-2023-10", "amount", "a range whose high end is at most 1,000 times its low end", "$3 to $5M, a high end 1,666,667 times its low end"),  # noqa: E501
    Case("distinct_investors.yaml", 28, "funding_rounds", 1, "anthropic-google-2023", "investors", "an investor of anthropic-amazon-2023 (amazon), as another report of its round", "google (none of them)"),  # noqa: E501
    Case("repeated_investor.yaml", 16, "funding_rounds", 0, "acme-seed", "investors.1.investor", "each investor once among a round's investors", "'fund', named too at investors.0"),  # noqa: E501
    Case("balance_after_report.yaml", 18, "cash_balances", 0, "acme-cash-2025-09", "date", "a date on or before its report 2023-10", "2025-09"),  # noqa: E501
    Case("fx_rate_inverted.yaml", 12, "fx_rates", 0, "jpy-2023", "usd", "US dollars per one JPY, at most 10", "150: written the other way round, JPY per US dollar? (one JPY would then be 0.00666667 US dollars)"),  # noqa: E501
    Case("id_case_entities.yaml", 6, "entities", 1, "Stability-AI", "id", "an id differing from every other by more than case", "'Stability-AI', which is 'stability-ai' (entities[0] at {errors}/id_case_entities.yaml:3) but for case"),  # noqa: E501
    Case("id_case_across_files", 3, "cloud_bills", 0, "R1", "id", "an id differing from every other by more than case", "'R1', which is 'r1' (funding_rounds[0] at {errors}/id_case_across_files/a.yaml:11) but for case", file="id_case_across_files/b.yaml"),  # noqa: E501
]
# fmt: on

#: The code of each case's first problem (every code of aicapex.errors.CODES has a case here or
#: in TABLE_CASES).
CODE_OF = {
    "missing.yaml": "missing-file",
    "symlink_loop.yaml": "unreadable-file",
    "not_utf8.yaml": "not-utf8",
    "empty.yaml": "empty-file",
    "comments_only.yaml": "empty-file",
    "malformed_yaml.yaml": "syntax",
    "deeply_nested.yaml": "syntax",
    "bad_json.json": "syntax",
    "duplicate_key.yaml": "duplicate-key",
    "duplicate_key.json": "duplicate-key",
    "anchor_alias.yaml": "yaml-alias",
    "alias_bomb.yaml": "yaml-alias",
    "yaml_tag.yaml": "yaml-alias",
    "not_a_mapping.yaml": "not-a-ledger",
    "unknown_kind.yaml": "unknown-kind",
    "kind_not_list.yaml": "not-a-list",
    "record_not_mapping.yaml": "not-a-record",
    "unknown_field.yaml": "unknown-field",
    "invalid_referenced_record.yaml": "unknown-field",
    "missing_field.yaml": "missing-field",
    "wrong_type_list.yaml": "bad-capacity",
    "wrong_type_bool.yaml": "invalid-value",
    "bad_enum.yaml": "invalid-value",
    "negative_amount.yaml": "out-of-range",
    "zero_amount.yaml": "out-of-range",
    "bad_money.yaml": "bad-money",
    "bad_rate.yaml": "bad-rate",
    "bad_date.yaml": "bad-date",
    "fractional_gpus.yaml": "bad-capacity",
    "fractional_gpus_string.yaml": "bad-capacity",
    "delivery_before_order.yaml": "inconsistent",
    "tranches_above_round.yaml": "inconsistent",
    "payment_above_bill.yaml": "inconsistent",
    "unknown_reference.yaml": "unknown-reference",
    "wrong_kind_reference.yaml": "wrong-kind-reference",
    "duplicate_id.yaml": "duplicate-id",
    "duplicate_id_across_files": "duplicate-id",
    "fiscal_year_owner.yaml": "fiscal-year-owner",
    "unreadable_in_folder": "unreadable-file",
    "too_large.yaml": "too-large",
    "nul_byte.yaml": "syntax",
    "deeply_nested.json": "syntax",
    "huge_integer.json": "too-long",
    "huge_date.yaml": "too-long",
    "long_reference.yaml": "too-long",
    "long_field_name.yaml": "too-long",
    "overflow_number.yaml": "out-of-range",
    "nan_number.json": "out-of-range",
    "fx_rate_to_itself.yaml": "invalid-value",
    "contract_end_before_start.yaml": "inconsistent",
    "until_before_date.yaml": "inconsistent",
    "same_party_bill.yaml": "same-party",
    "same_party_flow.yaml": "same-party",
    "same_party_investor.yaml": "same-party",
    "control_cycle.yaml": "reference-cycle",
    "included_in_cycle.yaml": "reference-cycle",
    "translation_of_itself.yaml": "reference-cycle",
    "translation_cycle.yaml": "reference-cycle",
    "contradicting_bounds.yaml": "contradiction",
    "id_with_newline.yaml": "invalid-value",
    "year_99999.yaml": "bad-date",
    "negative_gpus_text.yaml": "out-of-range",
    "zero_rate.yaml": "out-of-range",
    "source_is_a_person.yaml": "wrong-kind-reference",
    "controlled_by_a_source.yaml": "wrong-kind-reference",
    "share_above_100.yaml": "out-of-range",
    "bad_share.yaml": "bad-share",
    "holders_above_100.yaml": "ownership-above-100",
    "pre_plus_amount_not_post.yaml": "inconsistent",
    "control_cycle_stakes.yaml": "control-cycle",
    "vesting_above_total.yaml": "vesting-above-total",
    "pieces_not_total.yaml": "parts-not-total",
    "sides_above_100.yaml": "sides-above-100",
    "customers_above_100.yaml": "customers-above-100",
    "tranche_before_round.yaml": "tranche-before-round",
    "payment_before_period.yaml": "payment-before-period",
    "due_before_period_end.yaml": "due-before-period-end",
    "no_fx_rate.yaml": "no-fx-rate",
    "sku_not_order.yaml": "sku-not-order",
    "reallocated_above_order.yaml": "reallocated-above-order",
    "ramp_after_end.yaml": "inconsistent",
    "ramp_fiscal_overlap.yaml": "inconsistent",
    "ramp_steps_overlap.yaml": "inconsistent",
    "reallocated_beyond_held.yaml": "reallocated-beyond-held",
    "range_ends_apart.yaml": "implausible-figure",
    "fx_rate_inverted.yaml": "implausible-figure",
    "balance_after_report.yaml": "after-reported",
    "distinct_investors.yaml": "distinct-investors",
    "repeated_investor.yaml": "repeated-investor",
    "id_case_entities.yaml": "case-variant-id",
    "id_case_across_files": "case-variant-id",
}

#: Bulk tables (``read_table``): file in tests/errors/tables, kind, code, field of the problem.
TABLE_CASES = [
    ("unknown_column.csv", "expenses", "unknown-column", "cateogry"),
    ("missing_column.csv", "expenses", "missing-column", "company"),
    ("bad_table.xlsx", "expenses", "bad-table", None),
    ("infinite_amount.csv", "expenses", "out-of-range", "amount"),
    ("nan_amount.csv", "expenses", "out-of-range", "amount"),
    ("nan_amount.parquet", "expenses", "out-of-range", "amount"),
    ("integer_ids.parquet", "expenses", "wrong-column-type", "id"),
    ("integer_references.parquet", "expenses", "wrong-column-type", "company"),
]

#: Saving (``Ledger.save``): the code of each way a save is refused (see test_save_refusals).
SAVE_CODES = {"file-changed", "hand-comments", "foreign-file"}
#: Codes of scenario files, tested in tests/test_scenarios.py (SCENARIO_FILE_ERRORS).
SCENARIO_CODES = {"not-scenarios", "unknown-adjustment"}
#: Warnings of ``aicapex validate`` beyond loading, tested in tests/test_cli.py
#: (test_validate_warns_of_balances_the_flows_do_not_explain).
VALIDATE_CODES = {"unreconciled-balance"}


def _path(case: Case) -> str:
    return str(ERRORS / case.name)


def _fill(text: str) -> str:
    return text.replace("{errors}", str(ERRORS))


def _load_error(*paths: str | os.PathLike[str], max_bytes: int | None = None) -> LedgerError:
    """The error of loading ``paths`` strictly (warnings refused too)."""
    ledger = None
    limit = {"max_bytes": max_bytes} if max_bytes is not None else {}
    with pytest.raises(LedgerError) as info:
        ledger = aicapex.load(*paths, strict=True, **limit)  # type: ignore[arg-type]
    assert ledger is None
    return info.value


def _prefix(case: Case) -> str:
    """What ``str(problem)`` must start with: ``<file>:<line>: [warning: ]<kind>[<index>] <id>:
    <field>: ``."""
    file = str(ERRORS / (case.file or case.name))
    text = f"{file}:{case.line}: " if case.line is not None else f"{file}: "
    if case.warning:
        text += "warning: "
    if case.kind is not None:
        head = case.kind if case.index is None else f"{case.kind}[{case.index}]"
        text += f"{head} {case.record_id}: " if case.record_id else f"{head}: "
    if case.field is not None:
        text += f"{case.field}: "
    return text + "expected "


def _first(error: LedgerError) -> Problem:
    assert error.problems, "a LedgerError without problems"
    return error.problems[0]


@pytest.fixture(params=CASES, ids=lambda c: c.name)
def case(request: pytest.FixtureRequest) -> Case:
    c: Case = request.param
    if c.name == "missing.yaml":
        assert not (ERRORS / c.name).exists(), "missing.yaml must not exist"
    else:
        there = (ERRORS / c.name).exists() or (ERRORS / c.name).is_symlink()
        assert there, f"write tests/errors/{c.name} for this case"
    return c


def test_catalogue_has_no_stray_files() -> None:
    """Every file in tests/errors/ is a case (a directory case covers its files)."""
    named = {c.name for c in CASES} | {"two_bad_files", ".gitattributes", "tables"}
    stray = {p.name for p in ERRORS.iterdir()} - named
    assert not stray, f"files in tests/errors/ without a line in CASES: {sorted(stray)}"


def test_load_reports_the_problem(case: Case) -> None:
    error = _load_error(_path(case), max_bytes=case.max_bytes)
    if case.count is not None:
        assert len(error.problems) == case.count, str(error)
    p = _first(error)
    assert p.file == str(ERRORS / (case.file or case.name))
    assert p.line == case.line
    assert p.kind == case.kind
    assert p.index == case.index
    assert p.record_id == case.record_id
    assert p.field == case.field
    assert case.expected in p.expected, p.expected
    assert p.found == _fill(case.found)
    assert p.code == CODE_OF[case.name]
    assert p.severity == ("warning" if case.warning else "error")
    assert all(q.code in CODES for q in error.problems), [q.code for q in error.problems]


@pytest.mark.parametrize(
    "case", [c for c in CASES if CODE_OF[c.name] in WARNINGS], ids=lambda c: c.name
)
def test_warnings_load(case: Case) -> None:
    """A warning does not stop a load: the ledger keeps it, located as the strict load says."""
    ledger = aicapex.load(_path(case))
    strict = _load_error(_path(case))
    assert ledger.warnings == strict.problems
    assert all(w.severity == "warning" for w in ledger.warnings)


def test_every_code_has_a_case() -> None:
    assert set(CODE_OF) == {c.name for c in CASES}
    covered = (
        set(CODE_OF.values())
        | {code for _, _, code, _ in TABLE_CASES}
        | SAVE_CODES
        | SCENARIO_CODES
        | VALIDATE_CODES
    )
    assert covered == set(CODES), f"codes without a catalogue case: {set(CODES) - covered}"
    assert set(CODE_OF.values()) >= WARNINGS - VALIDATE_CODES, "every warning has a case"


@pytest.mark.parametrize(("name", "kind", "code", "field"), TABLE_CASES)
def test_table_problems_have_codes(name: str, kind: str, code: str, field: str | None) -> None:
    with pytest.raises(LedgerError) as info:
        aicapex.read_table(ERRORS / "tables" / name, kind)
    first = info.value.problems[0]
    assert (first.code, first.field) == (code, field)
    assert first.file == str(ERRORS / "tables" / name)
    if name.endswith(".csv") and field != "cateogry" and code != "missing-column":
        assert first.line == 3, "the second row, under the header"


def test_problems_as_a_frame() -> None:
    error = _load_error(str(ERRORS / "two_bad_files"))
    frame = error.to_frame()
    assert list(frame.columns) == [
        "code",
        "severity",
        "file",
        "line",
        "kind",
        "index",
        "record_id",
        "field",
        "expected",
        "found",
    ]
    assert len(frame) == len(error.problems)
    assert frame["code"].tolist() == ["bad-money", "unknown-reference"]
    assert frame["severity"].tolist() == ["error", "error"]
    assert frame["line"].tolist() == [15, 5]
    assert str(frame["line"].dtype) == "Int64"
    empty = LedgerError([]).to_frame()
    assert list(empty.columns) == list(frame.columns)
    assert empty.empty


def test_error_text_is_one_located_line_per_problem(case: Case) -> None:
    error = _load_error(_path(case), max_bytes=case.max_bytes)
    lines = str(error).splitlines()
    n = len(error.problems)
    head = f"{n} problem{'s' if n != 1 else ''} in the ledger"
    if case.warning:
        head += f" ({n} warning{'s' if n != 1 else ''}, refused as errors)"
    assert lines[0] == head + ":"
    assert lines[1:] == [str(p) for p in error.problems]
    p = _first(error)
    assert str(p) == f"{_prefix(case)}{p.expected}, got {p.found}"


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUTF8": "1", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "aicapex.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_validate_lists_the_problem_and_exits_1(case: Case) -> None:
    """Errors: exit 1, nothing on standard output. Warnings: exit 0 with the summary, and exit 1
    with --strict; the problems on standard error either way."""
    path = _path(case)
    error = _load_error(path, max_bytes=case.max_bytes)
    limit = ["--max-bytes", str(case.max_bytes)] if case.max_bytes is not None else []
    runs = [("validate", 0 if case.warning else 1)]
    if case.warning:
        runs.append(("--strict", 1))
    for extra, code in runs:
        args = ["validate", path, *limit] + ([extra] if extra != "validate" else [])
        result = _run_cli(*args)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert "Traceback" not in result.stdout
        assert result.stdout.startswith("ok: ") if code == 0 else result.stdout == ""
        for problem in error.problems:
            assert str(problem) in result.stderr.splitlines()
        assert _prefix(case) in result.stderr


# ---------------------------------------------------------------------------------------------
# Loads as a whole


def test_all_problems_of_all_files_at_once() -> None:
    folder = ERRORS / "two_bad_files"
    error = _load_error(str(folder))
    assert [(p.file, p.line, p.field) for p in error.problems] == [
        (str(folder / "a.yaml"), 15, "billed"),
        (str(folder / "b.yaml"), 5, "provider"),
    ]
    a, b = error.problems
    assert a.found == "'seven'"
    assert "(did you mean 'aws'?)" in b.expected  # a.yaml's entities resolve b.yaml's payer
    text = str(error)
    assert text.startswith("2 problems in the ledger:\n")
    assert f"{folder / 'a.yaml'}:15: cloud_bills[0] acme-aws-2023-08: billed: " in text
    assert f"{folder / 'b.yaml'}:5: cloud_bills[0] acme-aws-2023-09: provider: " in text


def test_all_problems_of_files_given_one_by_one() -> None:
    paths = [ERRORS / "bad_money.yaml", ERRORS / "bad_enum.yaml", ERRORS / "missing.yaml"]
    error = _load_error(*paths)
    files = {p.file for p in error.problems}
    assert files >= {str(p) for p in paths}


def test_nothing_is_half_loaded(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("entities:\n- id: beta\n  name: Beta AI\n  type: company\n", encoding="utf-8")
    assert len(aicapex.load(good)) == 1
    result = None
    with pytest.raises(LedgerError) as info:
        result = aicapex.load(good, ERRORS / "bad_money.yaml")
    assert result is None
    assert {p.file for p in info.value.problems} == {str(ERRORS / "bad_money.yaml")}


def test_alias_bomb_is_refused_without_expanding() -> None:
    error = _load_error(str(ERRORS / "alias_bomb.yaml"))
    assert 1 < len(error.problems) <= 20
    found = [p.found for p in error.problems]
    assert len(found) == len(set(found)), "an alias repeated on one line is reported once"
    assert all("anchor" in f or "alias" in f for f in found)


def test_problem_attributes_are_plain_values() -> None:
    p = _first(_load_error(str(ERRORS / "bad_money.yaml")))
    assert isinstance(p, Problem)
    assert p.message == "expected money like '$7M', got 'seven'"


def test_not_utf8_fixture_is_still_not_utf8() -> None:
    """Guard: an editor re-saving the fixture as UTF-8 would make its case pass for nothing."""
    raw = (ERRORS / "not_utf8.yaml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
