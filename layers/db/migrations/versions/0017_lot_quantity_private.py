"""A harvest lot's quantity history lives in the private schema (issue 15).

Revision ID: 0017
Revises: 0016

A lot's public quantity is NULL once its cooperative marks it confidential, but the generic
history trigger had copied every earlier value into `public.change_history` (and the public
`/history` route served it as `before.quantity`). Any lot may become confidential later, so the
clean rule is that no quantity of a lot is ever kept in a public history record:

* `ntm_record_lot_change()` replaces `ntm_record_change('id')` as `harvest_lots`' history
  trigger: the row goes to `public.change_history` without `quantity`, and when the quantity
  changed, `{"quantity": …}` before and after goes to `private.change_history` under the same
  table name, row, time and author (the confidential quantity's own history was already private:
  `harvest_lot_private`).
* The records written before: their quantities are moved the same way (the private record takes
  the public record's id, as migration 0008 did for growing-area owners), then removed from the
  public ones.

Downgrade puts the generic trigger back and the recorded quantity changes back into the public
records.
"""
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ACTOR = "COALESCE(NULLIF(current_setting('ntm.actor', true), ''), session_user)"

LOT_HISTORY_FUNCTION = f"""
CREATE FUNCTION ntm_record_lot_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_id text;
  q_before numeric;
  q_after numeric;
  was jsonb;
  now_is jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    row_id := NEW.id::text; q_after := NEW.quantity; now_is := to_jsonb(NEW) - 'quantity';
  ELSIF TG_OP = 'DELETE' THEN
    row_id := OLD.id::text; q_before := OLD.quantity; was := to_jsonb(OLD) - 'quantity';
  ELSE
    row_id := NEW.id::text; q_before := OLD.quantity; q_after := NEW.quantity;
    was := to_jsonb(OLD) - 'quantity'; now_is := to_jsonb(NEW) - 'quantity';
  END IF;
  INSERT INTO public.change_history (table_name, row_id, operation, changed_by, before, after)
  VALUES (TG_TABLE_NAME, row_id, TG_OP, {ACTOR}, was, now_is);
  IF q_before IS DISTINCT FROM q_after THEN
    INSERT INTO private.change_history (table_name, row_id, operation, changed_by, before, after)
    VALUES (TG_TABLE_NAME, row_id, TG_OP, {ACTOR},
            CASE WHEN TG_OP <> 'INSERT' THEN jsonb_build_object('quantity', q_before) END,
            CASE WHEN TG_OP <> 'DELETE' THEN jsonb_build_object('quantity', q_after) END);
  END IF;
  RETURN NULL;
END $$;
"""

WHEN_NOT_BULK = "WHEN (current_setting('ntm.bulk_load', true) IS DISTINCT FROM 'on')"


def _trigger(function: str) -> str:
    return (f"CREATE TRIGGER ntm_history AFTER INSERT OR UPDATE OR DELETE ON public.harvest_lots FOR EACH ROW "
            f"{WHEN_NOT_BULK} EXECUTE FUNCTION {function}")


def upgrade() -> None:
    op.execute(LOT_HISTORY_FUNCTION)
    op.execute("DROP TRIGGER ntm_history ON public.harvest_lots")
    op.execute(_trigger("ntm_record_lot_change()"))
    # The quantities already recorded: to the private history (only where one changed), then out
    # of the public records.
    op.execute(
        "INSERT INTO private.change_history (id, table_name, row_id, operation, changed_at, changed_by, before, after) "
        "SELECT h.id, h.table_name, h.row_id, h.operation, h.changed_at, h.changed_by, "
        "CASE WHEN h.before IS NOT NULL THEN jsonb_build_object('quantity', h.before -> 'quantity') END, "
        "CASE WHEN h.after IS NOT NULL THEN jsonb_build_object('quantity', h.after -> 'quantity') END "
        "FROM public.change_history h WHERE h.table_name = 'harvest_lots' "
        "AND (h.before -> 'quantity') IS DISTINCT FROM (h.after -> 'quantity')")
    op.execute("UPDATE public.change_history SET before = before - 'quantity', after = after - 'quantity' "
               "WHERE table_name = 'harvest_lots' AND (before ? 'quantity' OR after ? 'quantity')")


def downgrade() -> None:
    op.execute("DROP TRIGGER ntm_history ON public.harvest_lots")
    op.execute(_trigger("ntm_record_change('id')"))
    op.execute("DROP FUNCTION ntm_record_lot_change()")
    # The records whose change moved the quantity get it back (their private part has the same
    # row, time, author and operation; the closest id when one transaction changed it twice); the
    # others, which left it alone, stay without it (history readers compare what both sides hold).
    part = ("(SELECT q.{side} FROM private.change_history q WHERE q.table_name = 'harvest_lots' "
            "AND q.row_id = h.row_id AND q.changed_at = h.changed_at AND q.operation = h.operation "
            "AND q.changed_by = h.changed_by ORDER BY abs(q.id - h.id) LIMIT 1)")
    op.execute("UPDATE public.change_history h SET "
               f"before = h.before || COALESCE({part.format(side='before')}, '{{}}'::jsonb), "
               f"after = h.after || COALESCE({part.format(side='after')}, '{{}}'::jsonb) "
               "WHERE h.table_name = 'harvest_lots'")
    op.execute("DELETE FROM private.change_history WHERE table_name = 'harvest_lots'")
