-- The payment partner (bank or e-wallet) a participant said they use, after a yes.
ALTER TABLE participants ADD COLUMN wallet TEXT;
