"""The `/EREF/.../NAME/.../ACCT/.../REMI/...` narrative of field 86."""

from __future__ import annotations

from assets.bank_statements.mt940_narrative import split_narrative


def test_all_four_fields() -> None:
    assert split_narrative("/EREF/E2E-1/NAME/Wang Fang/ACCT/6217000010009876543/REMI/Margin deposit") == {
        "EREF": "E2E-1",
        "NAME": "Wang Fang",
        "ACCT": "6217000010009876543",
        "REMI": "Margin deposit",
    }


def test_wrapped_field_is_joined_without_inserting_text() -> None:
    assert split_narrative("/EREF/E2E-1/NAME/Chen Jie/REMI/Wit\nhdrawal to client\n 2026") == {
        "EREF": "E2E-1",
        "NAME": "Chen Jie",
        "REMI": "Withdrawal to client 2026",
    }


def test_remittance_keeps_slashes_and_key_lookalikes() -> None:
    assert split_narrative("/NAME/A/S Nordic/REMI/invoice 2026/03 /EREF/ is text here") == {
        "NAME": "A/S Nordic",
        "REMI": "invoice 2026/03 /EREF/ is text here",
    }


def test_keys_out_of_order_are_text() -> None:
    assert split_narrative("/EREF/E1/ACCT/123/NAME/x/REMI/r") == {
        "EREF": "E1",
        "ACCT": "123/NAME/x",
        "REMI": "r",
    }


def test_empty_values_are_left_out() -> None:
    assert split_narrative("/EREF//NAME/Zhou Tao/REMI/") == {"NAME": "Zhou Tao"}


def test_other_text_is_not_structured() -> None:
    assert split_narrative("Account maintenance fee March") is None
    assert split_narrative("Fee /REMI/ March") is None
    assert split_narrative("") is None
