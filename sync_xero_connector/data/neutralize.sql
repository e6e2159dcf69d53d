-- Database copies must never talk to the production Xero organisations: forget every secret
-- and token and mark the accounts disconnected.
UPDATE xero_account
   SET client_secret = NULL,
       access_token = NULL,
       refresh_token = NULL,
       token_expires_at = NULL,
       refresh_token_at = NULL,
       oauth_state_nonce = NULL,
       oauth_state_at = NULL,
       pkce_verifier = NULL,
       webhook_key = NULL,
       state = 'disconnected';
