package pingone

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// ClientAssertionType is RFC 7523's client_assertion_type for a JWT client assertion.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionLifetime is how long a client assertion is valid: it is used once, at once.
const assertionLifetime = 60 * time.Second

// ClientKey is the key a PRIVATE_KEY_JWT application signs its client assertions with: the
// private half of a key in the app's JWKS. KeyID, when set, names it (the JWK's kid).
type ClientKey struct {
	Signer crypto.Signer
	KeyID  string
}

// ParseClientKey reads a PEM private key (PKCS#8, PKCS#1 RSA or SEC 1 EC), as a connector keeps
// it. The error never repeats the key.
func ParseClientKey(data []byte, keyID string) (ClientKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return ClientKey{}, errors.New("not a PEM private key (-----BEGIN PRIVATE KEY----- ...)")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return ClientKey{}, fmt.Errorf("a PEM %q block is not a private key", block.Type)
	}
	if err != nil {
		return ClientKey{}, fmt.Errorf("the private key cannot be read: %w", err)
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return ClientKey{}, errors.New("the private key cannot sign")
	}
	return ClientKey{Signer: s, KeyID: keyID}, nil
}

// algorithm is the JWS algorithm for a key: RS256 for RSA, ES256/384/512 by curve, EdDSA.
func (k ClientKey) algorithm() (jose.SignatureAlgorithm, error) {
	switch pub := k.Signer.Public().(type) {
	case *rsa.PublicKey:
		return jose.RS256, nil
	case *ecdsa.PublicKey:
		switch pub.Curve.Params().BitSize {
		case 256:
			return jose.ES256, nil
		case 384:
			return jose.ES384, nil
		case 521:
			return jose.ES512, nil
		}
	case ed25519.PublicKey:
		return jose.EdDSA, nil
	}
	return "", errors.New("the private key is of a kind PingOne does not take (RSA, EC P-256/384/521 or Ed25519)")
}

// ClientCredentialsJWT returns a token source for the client credentials grant that
// authenticates with a fresh RFC 7523 client assertion on every token request: signed with HS256
// and the client secret for CLIENT_SECRET_JWT (key.Signer nil), or with key for PRIVATE_KEY_JWT.
func ClientCredentialsJWT(ctx context.Context, authURL, envID, clientID, clientSecret string, key ClientKey) oauth2.TokenSource {
	if envID == "" || clientID == "" {
		return errSource{&TokenError{Description: "environment ID and client ID are required for client credentials"}}
	}
	signer, err := assertionSigner(clientSecret, key)
	if err != nil {
		return errSource{&TokenError{Description: err.Error()}}
	}
	return oauth2.ReuseTokenSource(nil, &assertionSource{ctx: ctx, signer: signer, clientID: clientID, tokenURL: TokenURL(authURL, envID)})
}

// ClientAssertion signs one client assertion for tokenURL, as ClientCredentialsJWT does: for a
// token request of another grant (an authorization code exchange). Send it as client_assertion
// with client_assertion_type ClientAssertionType.
func ClientAssertion(tokenURL, clientID, clientSecret string, key ClientKey) (string, error) {
	signer, err := assertionSigner(clientSecret, key)
	if err != nil {
		return "", err
	}
	return signAssertion(signer, clientID, tokenURL)
}

// assertionSigner signs with key, or HS256 and the secret without one.
func assertionSigner(clientSecret string, key ClientKey) (jose.Signer, error) {
	var sk jose.SigningKey
	if key.Signer != nil {
		alg, err := key.algorithm()
		if err != nil {
			return nil, err
		}
		sk = jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key.Signer, KeyID: key.KeyID}}
	} else {
		if clientSecret == "" {
			return nil, errors.New("CLIENT_SECRET_JWT signs its assertion with the client secret, and there is none")
		}
		sk = jose.SigningKey{Algorithm: jose.HS256, Key: []byte(clientSecret)}
	}
	signer, err := jose.NewSigner(sk, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("cannot sign a client assertion: %w", err)
	}
	return signer, nil
}

// signAssertion makes the assertion: iss and sub the client ID, aud the token endpoint, a
// random jti, valid for a minute.
func signAssertion(signer jose.Signer, clientID, tokenURL string) (string, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", errors.New("no randomness for the assertion's jti")
	}
	now := time.Now()
	claims := jwt.Claims{
		Issuer: clientID, Subject: clientID, Audience: jwt.Audience{tokenURL},
		ID: hex.EncodeToString(jti), IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
		Expiry: jwt.NewNumericDate(now.Add(assertionLifetime)),
	}
	out, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("cannot sign a client assertion: %w", err)
	}
	return out, nil
}

type assertionSource struct {
	ctx      context.Context
	signer   jose.Signer
	clientID string
	tokenURL string
	mu       sync.Mutex
}

func (s *assertionSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	assertion, err := signAssertion(s.signer, s.clientID, s.tokenURL)
	if err != nil {
		return nil, &TokenError{Description: err.Error()}
	}
	cfg := clientcredentials.Config{
		ClientID: s.clientID, TokenURL: s.tokenURL, AuthStyle: oauth2.AuthStyleInParams,
		EndpointParams: url.Values{"client_assertion_type": {ClientAssertionType}, "client_assertion": {assertion}},
	}
	t, err := cfg.Token(s.ctx)
	if err != nil {
		return nil, toTokenError(err)
	}
	return t, nil
}
